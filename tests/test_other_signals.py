"""Chapter 8: Django's other built-in signals, with blog's receivers for them."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.signals import got_request_exception, setting_changed
from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate
from django.test import Client, override_settings
from django.test.signals import template_rendered

from blog.other_signals import (
    BLOG_APP,
    MODERATORS_GROUP,
    forget_spam_words,
    spam_words,
)
from blog.prepared import PREPARED_MODELS
from tests.signal_capture import capture_signal

pytestmark = pytest.mark.django_db


def blog_lines(signal_log, name):
    return [
        line
        for line in signal_log()
        if line.startswith(f"[blog.other_signals] {name} ")
    ]


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
        "[blog.other_signals] got_request_exception path='/broken/' exception=RuntimeError"
    ]
    assert "s3cr3t" not in "\n".join(signal_log())


@pytest.mark.urls("tests.urls_with_error")
def test_404_and_403_are_answers_not_exceptions(client, post):
    with capture_signal(got_request_exception) as calls:
        assert client.get("/posts/no-such-post/").status_code == 404
        assert (
            Client(enforce_csrf_checks=True).post("/accounts/login/").status_code == 403
        )
    assert calls == []


# --8<-- [end:got_request_exception]


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
    Group.objects.filter(name=MODERATORS_GROUP).delete()
    with (
        capture_signal(pre_migrate, sender=BLOG_APP) as pre,
        capture_signal(post_migrate, sender=BLOG_APP) as post,
    ):
        call_command("migrate", verbosity=0)

    assert len(pre) == len(post) == 1
    assert pre[0].kwargs["app_config"] is BLOG_APP
    assert pre[0].kwargs["plan"] == []  # nothing left to apply
    assert post[0].kwargs["using"] == "default"
    assert Group.objects.get(name=MODERATORS_GROUP).permissions.count() == 3
    assert blog_lines(signal_log, "pre_migrate") == [
        "[blog.other_signals] pre_migrate app=blog using='default' blog migrations to run=0"
    ]
    assert blog_lines(signal_log, "post_migrate") == [
        "[blog.other_signals] post_migrate group 'Blog moderators' created, 3 permissions"
    ]


def test_migrate_again_keeps_a_single_group(signal_log):
    call_command("migrate", verbosity=0)
    assert Group.objects.filter(name=MODERATORS_GROUP).count() == 1
    assert "already there, 3 permissions" in blog_lines(signal_log, "post_migrate")[0]


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
        "[blog.other_signals] connection_created vendor=sqlite alias='default'"
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
        "[blog.other_signals] setting_changed BLOG_SPAM_WORDS enter=True",
        "[blog.other_signals] setting_changed BLOG_SPAM_WORDS enter=False",
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
    # Only sent while Django's test instrumentation is installed (the test
    # runner, or pytest-django, calls setup_test_environment()); never by
    # runserver or in production.
    with capture_signal(template_rendered) as calls:
        client.get("/accounts/login/")

    names = [call.kwargs["template"].name for call in calls]
    # The page, the template it extends, then one per form widget and label.
    assert names[:2] == ["foo/login.html", "base.html"]
    assert set(names[2:]) == {
        "django/forms/label.html",
        "django/forms/widgets/input.html",
        "django/forms/attrs.html",
        "django/forms/widgets/attrs.html",
        "django/forms/widgets/text.html",
        "django/forms/widgets/password.html",
    }
    assert "form" in calls[0].kwargs["context"]


# --8<-- [end:template_rendered]


# class_prepared ----------------------------------------------------------------------------


def test_class_prepared_saw_every_blog_model_once_in_definition_order():
    # Post_tags is the many-to-many table Django builds for Post.tags; it is
    # created, and prepared, while Post's own fields are being set up.
    assert PREPARED_MODELS == [
        "blog.Tag",
        "blog.Post_tags",
        "blog.Post",
        "blog.Comment",
    ]
