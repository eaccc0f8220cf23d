"""Chapter 8: pre_migrate and post_migrate, with blog's receivers for them.

They are methods of BlogConfig, connected in its ready() with sender=self.
"""

import gc
import io

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models.signals import post_migrate, pre_migrate
from django.test import override_settings

from blog.apps import MODERATORS_GROUP, BlogConfig
from tests.signal_capture import capture_signal
from tests.test_other_signals import blog_lines

pytestmark = pytest.mark.django_db

# The migration receivers are methods of BlogConfig: "[blog.apps] ...".
APPS = f"[{BlogConfig.__module__}]"


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
