"""Chapter 8: Django's other built-in signals, with blog's receivers for them."""

# --8<-- [start:imports]
import gc
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.signals import got_request_exception, setting_changed
from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.test.signals import template_rendered
from django.urls import resolve

from blog import other_signals
from blog.apps import MODERATORS_GROUP, BlogConfig
from blog.models import Post
from blog.other_signals import forget_spam_words, spam_words
from blog.views import PostDetailView
from foo.views import LoginView
from tests.signal_capture import capture_signal

pytestmark = pytest.mark.django_db

# The LOGGING formatter starts each line with the logger's name, which is the
# receiver's module: "[blog.other_signals] ...".
OTHER_SIGNALS = f"[{other_signals.__name__}]"


# --8<-- [end:imports]
ROOT = Path(__file__).resolve().parent.parent


# --8<-- [start:blog_lines]
def blog_lines(signal_log, name):
    """What blog's receivers logged for the signal `name`, as the terminal shows it."""
    app = f"[{other_signals.__package__}."  # "[blog."
    return [
        line
        for line in signal_log()
        if line.startswith(app) and line.partition("] ")[2].startswith(f"{name} ")
    ]
    # --8<-- [end:blog_lines]


# The migration receivers are methods of BlogConfig: "[blog.apps] ...".
APPS = f"[{BlogConfig.__module__}]"


# got_request_exception ------------------------------------------------------------


# --8<-- [start:got_request_exception]
@pytest.mark.urls("tests.urls_with_error")
def test_unhandled_exception_sends_got_request_exception(db, signal_log):
    client = Client(raise_request_exception=False)  # get the 500 page instead
    with capture_signal(got_request_exception) as calls:
        response = client.get("/broken/")

    assert response.status_code == 500
    (call,) = calls
    assert call.sender is None
    assert set(call.kwargs) == {"request"}
    assert call.kwargs["request"].path == "/broken/"
    assert blog_lines(signal_log, "got_request_exception") == [
        f"{OTHER_SIGNALS} got_request_exception path='/broken/' exception=RuntimeError"
    ]
    assert "s3cr3t" not in "\n".join(signal_log())


def test_404_and_403_are_answers_not_exceptions(client, post):
    # A post's page for a slug that no post has: the URL exists, and the view
    # raises Http404 (get_absolute_url() builds it from blog/urls.py).
    missing = Post(slug="no-such-post").get_absolute_url()
    assert resolve(missing).func.view_class is PostDetailView
    # The login page (the LOGIN_URL setting), posted to without a CSRF token.
    login = resolve_url(settings.LOGIN_URL)
    with capture_signal(got_request_exception) as calls:
        assert client.get(missing).status_code == 404
        assert Client(enforce_csrf_checks=True).post(login).status_code == 403
    assert calls == []


# --8<-- [end:got_request_exception]
def test_bad_requests_are_answers_not_exceptions_either(client):
    with capture_signal(got_request_exception) as calls:
        bad_upload = client.generic(
            "POST",
            "/accounts/login/",
            b"username=alice",
            content_type="multipart/form-data",  # and no boundary
        )
        bad_host = client.get("/", headers={"host": "attacker.example"})
    assert (bad_upload.status_code, bad_host.status_code) == (400, 400)
    assert calls == []


# pre_migrate and post_migrate -------------------------------------------------------


def test_test_database_already_has_the_moderators_group():
    # pytest-django runs `migrate` to create the test database, which sent post_migrate.
    group = Group.objects.get(name=MODERATORS_GROUP)
    assert sorted(group.permissions.values_list("codename", flat=True)) == [
        "change_comment",
        "delete_comment",
        "view_comment",
    ]


def test_migrate_sends_both_signals_once_for_blog_and_restores_the_group(signal_log):
    blog = apps.get_app_config("blog")
    Group.objects.filter(name=MODERATORS_GROUP).delete()
    with (
        capture_signal(pre_migrate, sender=blog) as pre,
        capture_signal(post_migrate, sender=blog) as post,
    ):
        call_command("migrate", verbosity=0)

    assert len(pre) == len(post) == 1
    arguments = {"app_config", "verbosity", "interactive", "using", "stdout", "apps"}
    assert set(pre[0].kwargs) == set(post[0].kwargs) == arguments | {"plan"}
    assert pre[0].kwargs["app_config"] is blog
    assert pre[0].kwargs["plan"] == []  # nothing left to apply
    assert post[0].kwargs["using"] == "default"
    assert Group.objects.get(name=MODERATORS_GROUP).permissions.count() == 3
    assert blog_lines(signal_log, "pre_migrate") == [
        f"{APPS} pre_migrate app=blog using='default' migrations to run=0"
    ]
    assert blog_lines(signal_log, "post_migrate") == [
        f"{APPS} post_migrate group 'Blog moderators' created, 3 permissions"
    ]


def test_migrate_again_keeps_a_single_group(signal_log):
    call_command("migrate", verbosity=0)
    assert Group.objects.filter(name=MODERATORS_GROUP).count() == 1
    assert "already there, 3 permissions" in blog_lines(signal_log, "post_migrate")[0]


def test_migrate_signals_skip_only_the_apps_without_a_models_module(
    tmp_path, monkeypatch
):
    # Django sends them for each app config whose models_module is not None:
    # an app with a models.py, even one that defines no model. foo (no
    # models.py) and an app like it get neither.
    for name, files in {
        "app_with_an_empty_models_py": ["__init__.py", "models.py"],
        "app_without_models_py": ["__init__.py"],
    }.items():
        (tmp_path / name).mkdir()
        for file in files:
            (tmp_path / name / file).touch()
    monkeypatch.syspath_prepend(tmp_path)
    installed = [
        *settings.INSTALLED_APPS,
        "app_with_an_empty_models_py",
        "app_without_models_py",
    ]
    with override_settings(INSTALLED_APPS=installed):
        with (
            capture_signal(pre_migrate) as pre,
            capture_signal(post_migrate) as post,
        ):
            call_command("migrate", verbosity=0)
        with_models_module = [
            config
            for config in apps.get_app_configs()
            if config.models_module is not None
        ]
        labels = [call.sender.label for call in pre]

    assert [call.sender for call in pre] == with_models_module
    assert [call.sender for call in post] == with_models_module
    assert "app_with_an_empty_models_py" in labels
    assert not {"app_without_models_py", "foo"} & set(labels)


def test_flush_sends_only_post_migrate_without_apps_or_plan(signal_log):
    # TransactionTestCase empties the tables with `flush` after each test, and
    # post_migrate puts back the rows that receivers like blog's create.
    blog = apps.get_app_config("blog")
    with (
        capture_signal(pre_migrate, sender=blog) as pre,
        capture_signal(post_migrate, sender=blog) as post,
    ):
        call_command("flush", interactive=False, verbosity=0)

    assert pre == []
    (call,) = post
    assert set(call.kwargs) == {"app_config", "verbosity", "interactive", "using"}
    assert Group.objects.get(name=MODERATORS_GROUP).permissions.count() == 3
    assert blog_lines(signal_log, "pre_migrate") == []


def test_migrate_receivers_follow_the_new_app_config_when_a_test_changes_apps(
    signal_log,
):
    original = apps.get_app_config("blog")
    with override_settings(INSTALLED_APPS=settings.INSTALLED_APPS):
        # Django built new AppConfigs, and called their ready() again.
        recreated = apps.get_app_config("blog")
        assert recreated is not original
        Group.objects.filter(name=MODERATORS_GROUP).delete()
        with (
            capture_signal(post_migrate, sender=original) as to_the_original,
            capture_signal(post_migrate, sender=recreated) as to_the_new_one,
        ):
            call_command("migrate", verbosity=0)

    # A receiver filtering on a config looked up before would have missed it.
    assert to_the_original == []
    assert len(to_the_new_one) == 1
    assert Group.objects.get(name=MODERATORS_GROUP).permissions.count() == 3
    assert blog_lines(signal_log, "post_migrate") == [
        f"{APPS} post_migrate group 'Blog moderators' created, 3 permissions"
    ]
    assert apps.get_app_config("blog") is original


def test_configs_thrown_away_by_tests_leave_no_receiver_behind(signal_log):
    # Each override builds new AppConfigs and throws them away after. Django 5.2
    # files a receiver under id(sender) and never notices the sender is gone,
    # so a function connected for an old config would also match a new object
    # at the same address (another app's config) and run for its migration.
    for _ in range(10):
        with override_settings(INSTALLED_APPS=settings.INSTALLED_APPS):
            for config in apps.get_app_configs():  # as migrate does
                pre_migrate.send(
                    sender=config,
                    app_config=config,
                    verbosity=0,
                    interactive=False,
                    using="default",
                    stdout=io.StringIO(),
                    apps=apps,
                    plan=[],
                )
        gc.collect()

    assert (
        blog_lines(signal_log, "pre_migrate")
        == [f"{APPS} pre_migrate app=blog using='default' migrations to run=0"] * 10
    )


# connection_created ------------------------------------------------------------------


# --8<-- [start:connection_created]
def test_every_new_connection_gets_the_slug_function(signal_log):
    new = connections.create_connection("default")
    # Connecting happens on first use, here when the cursor is opened.
    with capture_signal(connection_created) as calls, new.cursor() as cursor:
        cursor.execute("SELECT blog_slugify(%s)", ["Signals: the Basics!"])
        assert cursor.fetchone() == ("signals-the-basics",)
    new.close()

    (call,) = calls
    assert call.kwargs["connection"] is new
    assert call.sender is type(new)  # the backend's DatabaseWrapper class
    assert (
        f"{OTHER_SIGNALS} connection_created vendor=sqlite alias='default'"
        in signal_log()
    )


def test_existing_connection_is_not_announced_again(signal_log):
    with capture_signal(connection_created) as calls, connection.cursor() as cursor:
        cursor.execute("SELECT blog_slugify('Ça va?')")
        assert cursor.fetchone() == ("ca-va",)
    assert calls == []


# --8<-- [end:connection_created]
# setting_changed ----------------------------------------------------------------------


# --8<-- [start:setting_changed]
def test_changing_the_setting_in_a_test_clears_the_cached_words(signal_log):
    assert "casino" in spam_words()  # cached from the real settings
    with override_settings(BLOG_SPAM_WORDS=["Lottery"]):
        assert spam_words() == ("lottery",)
    assert "casino" in spam_words()  # restored on the way out
    assert blog_lines(signal_log, "setting_changed") == [
        f"{OTHER_SIGNALS} setting_changed BLOG_SPAM_WORDS enter=True",
        f"{OTHER_SIGNALS} setting_changed BLOG_SPAM_WORDS enter=False",
    ]


def test_without_the_receiver_the_cache_would_be_stale():
    spam_words()  # fill the cache
    setting_changed.disconnect(forget_spam_words)
    try:
        with override_settings(BLOG_SPAM_WORDS=["lottery"]):
            assert "casino" in spam_words()  # stale: the override is ignored
    finally:
        setting_changed.connect(forget_spam_words)
        spam_words.cache_clear()


# --8<-- [end:setting_changed]
# template_rendered ------------------------------------------------------------------------


# --8<-- [start:template_rendered]
def test_rendering_a_page_sends_template_rendered_per_template(client):
    # Sent only once something has replaced Template._render with Django's
    # instrumented version: setup_test_environment() (the test runner and
    # pytest-django call it), or django-debug-toolbar's Templates panel.
    with capture_signal(template_rendered) as calls:
        client.get(resolve_url(settings.LOGIN_URL))  # chapter 5's login page

    names = [call.kwargs["template"].name for call in calls]
    # The page, the template it extends, then the form's: one per widget,
    # label, ... (which ones depends on how the page renders the form).
    assert names[:2] == [LoginView.template_name, "base.html"]
    assert {
        "django/forms/widgets/text.html",
        "django/forms/widgets/password.html",
    } <= set(names[2:])
    assert "form" in calls[0].kwargs["context"]


# --8<-- [end:template_rendered]
RENDER_ONE_TEMPLATE = """
import django

django.setup()
from django.conf import settings
from django.template import Context, Template
from django.test.signals import template_rendered

sent = []
template_rendered.connect(lambda sender, **kwargs: sent.append(sender), weak=False)
Template("{{ greeting }}").render(Context({"greeting": "hi"}))
print("debug_toolbar" in settings.INSTALLED_APPS, len(sent))
"""


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        # `make run`: DEBUG on, outside tests. The toolbar's Templates panel is
        # imported when the app is ready, and patches Template._render for the
        # whole process, whether or not the toolbar is shown.
        ({"DJANGO_DEBUG": "1"}, "True 1"),
        # The same settings without the toolbar (what a test run gets): no
        # instrumentation, no signal.
        ({"DJANGO_DEBUG": "1", "PYTEST_VERSION": "off"}, "False 0"),
    ],
    ids=["runserver-with-toolbar", "without-toolbar"],
)
def test_template_rendered_outside_tests_depends_on_the_toolbar(environment, expected):
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", RENDER_ONE_TEMPLATE],
        cwd=ROOT,
        env={
            **environ,
            **environment,
            "DJANGO_SETTINGS_MODULE": "tutorial_site.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == expected.split()
