"""bar: listens to foo's user_login without foo knowing it exists."""

# --8<-- [start:imports]
from unittest import mock

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings

from bar.apps import BarConfig
from bar.models import LoginRecord
from bar.signals import record_login
from foo.signals import user_login
from tests.conftest import PASSWORD

# --8<-- [end:imports]
pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


# --8<-- [start:registered_once]
def bar_receivers():
    """user_login's receivers registered under bar's dispatch_uid."""
    return [
        entry for entry in user_login.receivers if entry[0][0] == "bar.record_login"
    ]


def test_record_login_is_connected_once_under_its_dispatch_uid():
    assert len(bar_receivers()) == 1
    assert bar_receivers()[0][1]() is record_login  # weak reference to the function


def test_running_ready_again_does_not_connect_twice():
    apps.get_app_config("bar").ready()
    assert len(bar_receivers()) == 1


# --8<-- [end:registered_once]
def test_a_test_that_changes_installed_apps_runs_ready_again_on_a_new_config():
    original = apps.get_app_config("bar")
    with (
        mock.patch.object(
            BarConfig, "ready", autospec=True, side_effect=BarConfig.ready
        ) as ready,
        override_settings(INSTALLED_APPS=settings.INSTALLED_APPS),
    ):
        recreated = apps.get_app_config("bar")
        assert len(bar_receivers()) == 1  # connecting again changed nothing
    assert recreated is not original
    assert ready.call_args_list == [mock.call(recreated)]


def test_login_creates_one_record_and_logs_one_line(client, alice, signal_log):
    client.post(
        LOGIN_URL,
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )

    record = LoginRecord.objects.get()
    assert record.user == alice
    assert record.remote_addr == "203.0.113.7"
    bar_lines = [line for line in signal_log() if line.startswith("[bar.signals]")]
    assert bar_lines == [
        "[bar.signals] user_login sender=LoginView user='alice' "
        f"remote_addr='203.0.113.7' record_id={record.pk}"
    ]


def test_failed_login_creates_no_record_and_logs_nothing(client, alice, signal_log):
    client.post(LOGIN_URL, {"username": "alice", "password": "nope"})

    assert not LoginRecord.objects.exists()
    assert not [line for line in signal_log() if line.startswith("[bar.signals]")]


def test_force_login_bypasses_foos_view_so_bar_sees_nothing(client, alice):
    # user_login is foo's signal, sent by foo's view only: logging in some
    # other way (here, the test client) sends Django's signals but not foo's.
    client.force_login(alice)
    assert not LoginRecord.objects.exists()


def test_address_that_is_not_an_ip_is_stored_as_none(client, alice):
    client.post(
        LOGIN_URL, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="not an ip"
    )
    assert LoginRecord.objects.get().remote_addr is None


def test_user_name_with_line_breaks_cannot_forge_a_log_line(client, db, signal_log):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(username="a\r\nFAKE LINE", password=PASSWORD)
    client.post(LOGIN_URL, {"username": "a\r\nFAKE LINE", "password": PASSWORD})

    (line,) = [line for line in signal_log() if line.startswith("[bar.signals]")]
    assert "\n" not in line and "\r" not in line
    assert r"user='a\r\nFAKE LINE'" in line


@pytest.mark.django_db
def test_the_admin_shows_login_records_but_adds_or_changes_none(client, alice):
    # The receiver writes the audit trail; a hand-made record (with no user, a
    # 500 before) is refused, and a record is shown read-only.
    get_user_model().objects.filter(pk=alice.pk).update(
        is_staff=True, is_superuser=True
    )
    client.force_login(alice)
    record = LoginRecord.objects.create(user=alice, remote_addr="127.0.0.1")

    assert client.get("/admin/bar/loginrecord/").status_code == 200
    assert client.get("/admin/bar/loginrecord/add/").status_code == 403
    page = client.get(f"/admin/bar/loginrecord/{record.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
