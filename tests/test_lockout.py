"""lockout: failed logins counted through user_login_failed, and refused after the limit."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.db import connection
from django.test import Client
from django.utils import timezone

from foo.signals import user_login
from lockout.models import FailedLogins
from tests.conftest import PASSWORD
from tests.signal_capture import capture_signal

LOGIN_URL = "/accounts/login/"
LIMIT = 5
WINDOW = timedelta(minutes=15)
LOCKED_MESSAGE = "Too many failed logins for this user name."


@pytest.fixture(autouse=True)
def lockout_settings(settings):
    # The tests spell out the numbers they rely on, whatever settings.py says.
    settings.LOGIN_LOCKOUT_LIMIT = LIMIT
    settings.LOGIN_LOCKOUT_WINDOW = WINDOW


@pytest.fixture
def clock(monkeypatch):
    """Stops time: timezone.now() returns clock.now until clock.advance() moves it."""

    class Clock:
        now = timezone.now()

        def advance(self, **kwargs):
            self.now += timedelta(**kwargs)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def fail(client, username="alice", times=1):
    for _ in range(times):
        response = client.post(LOGIN_URL, {"username": username, "password": "wrong"})
        assert response.status_code == 200


def log_in(client, username="alice"):
    return client.post(LOGIN_URL, {"username": username, "password": PASSWORD})


def failures(username="alice"):
    return FailedLogins.objects.get(username=username).failures


@pytest.mark.django_db
def test_one_below_the_limit_the_right_password_still_works(client, alice):
    fail(client, times=LIMIT - 1)
    assert failures() == LIMIT - 1

    response = log_in(client)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


@pytest.mark.django_db
def test_at_the_limit_even_the_right_password_is_refused_with_a_message(client, alice):
    fail(client, times=LIMIT)

    with (
        capture_signal(user_login) as logins,
        capture_signal(user_login_failed) as failed,
    ):
        response = log_in(client)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert logins == []
    assert len(failed) == 1  # a refused attempt is a failed login too
    assert LOCKED_MESSAGE in response.text
    assert "try again in 15 minutes" in response.text
    # Refused attempts are not counted: they cannot stretch the lockout.
    assert failures() == LIMIT


@pytest.mark.django_db
def test_below_the_limit_there_is_no_lockout_message(client, alice):
    fail(client, times=LIMIT - 1)
    response = client.post(LOGIN_URL, {"username": "alice", "password": "wrong"})
    assert LOCKED_MESSAGE not in response.text


@pytest.mark.django_db
def test_lockout_is_per_user_name(client, alice, bob):
    fail(client, "alice", times=LIMIT)
    assert log_in(Client(), "bob").status_code == 302


@pytest.mark.django_db
def test_unknown_user_name_is_counted_and_locked_like_a_real_one(client, alice):
    # Otherwise the lockout message would reveal which names have accounts.
    fail(client, "nobody", times=LIMIT)
    response = client.post(LOGIN_URL, {"username": "nobody", "password": "wrong"})
    assert failures("nobody") == LIMIT
    assert LOCKED_MESSAGE in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["", "   "], ids=["empty", "blank"])
def test_empty_user_name_locks_nobody_out(client, alice, username):
    for _ in range(LIMIT * 2):
        response = client.post(LOGIN_URL, {"username": username, "password": "x"})
        assert response.status_code == 200
        authenticate(username=username, password="x")  # straight to the backend

    assert not FailedLogins.objects.exists()
    assert log_in(client).status_code == 302


@pytest.mark.django_db
def test_lockout_ends_when_the_window_has_passed(client, alice, clock):
    fail(client, times=LIMIT)

    clock.advance(seconds=WINDOW.total_seconds() - 1)
    response = log_in(client)
    assert response.status_code == 200
    assert "try again in 1 minute." in response.text

    clock.advance(seconds=1)
    assert log_in(client).status_code == 302


@pytest.mark.django_db
def test_a_failure_after_a_quiet_window_starts_a_new_count(client, alice, clock):
    fail(client, times=LIMIT - 1)
    clock.advance(seconds=WINDOW.total_seconds() + 1)

    fail(client)

    assert failures() == 1
    assert log_in(client).status_code == 302


@pytest.mark.django_db
def test_failures_inside_the_window_keep_adding_up(client, alice, clock):
    for _ in range(LIMIT):
        fail(client)
        clock.advance(minutes=14)  # each failure within the window of the last

    assert failures() == LIMIT
    assert log_in(client).status_code == 200


@pytest.mark.django_db
def test_admin_login_is_locked_out_too(client, alice):
    alice.is_staff = True
    alice.save()
    fail(client, times=LIMIT)

    response = client.post(
        "/admin/login/", {"username": "alice", "password": PASSWORD}, follow=True
    )

    assert "_auth_user_id" not in client.session
    assert LOCKED_MESSAGE in response.text


@pytest.mark.django_db
def test_receiver_logs_one_line_per_counted_failure(client, alice, signal_log):
    fail(client, times=LIMIT + 1)

    lines = [line for line in signal_log() if line.startswith("[lockout.")]
    assert lines == [
        *[
            "[lockout.signals] user_login_failed user='alice' counted=True locked_out=False"
        ]
        * (LIMIT - 1),
        "[lockout.signals] user_login_failed user='alice' counted=True locked_out=True",
        "[lockout.signals] user_login_failed user='alice' counted=False locked_out=True",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("atomic_requests", [False, True])
def test_database_error_while_counting_is_logged_not_a_500(
    client, alice, caplog, monkeypatch, atomic_requests
):
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", atomic_requests)
    fail(client)  # alice's counter row exists from now on
    with connection.cursor() as cursor:  # a real database error on the next count
        cursor.execute(
            "CREATE TRIGGER refuse_counting BEFORE UPDATE ON lockout_failedlogins "
            "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
        )
    caplog.clear()

    response = client.post(LOGIN_URL, {"username": "alice", "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].errors
    (record,) = [r for r in caplog.records if r.name == "lockout.signals"]
    assert record.levelname == "ERROR"
    assert "disk I/O error" in caplog.text and "Traceback" in caplog.text
    assert log_in(client).status_code == 302  # and the next login still works


# Real threads, real commits: each thread has its own database connection, as
# each request of a threaded server has.


def parallel_bad_logins(count, username="alice"):
    """Send ``count`` wrong-password logins at once; return their status codes."""
    start = threading.Barrier(count)
    statuses = []

    def attempt():
        try:
            client = Client()
            start.wait(timeout=30)
            response = client.post(
                LOGIN_URL, {"username": username, "password": "wrong"}
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


@pytest.mark.django_db(transaction=True)
def test_parallel_failures_are_all_counted(alice, settings):
    settings.LOGIN_LOCKOUT_LIMIT = 1000  # far away: every attempt must count
    k = 16

    statuses = parallel_bad_logins(k)

    assert statuses == [200] * k
    assert failures() == k


@pytest.mark.django_db(transaction=True)
def test_parallel_failures_lock_out_exactly_at_the_limit(alice):
    statuses = parallel_bad_logins(3 * LIMIT)

    assert statuses == [200] * (3 * LIMIT)
    assert failures() == LIMIT
    assert log_in(Client()).status_code == 200  # locked out


@pytest.mark.django_db
def test_admin_lists_failed_logins_read_only(client, alice):
    Client().post(LOGIN_URL, {"username": "nobody", "password": "wrong"})
    alice.is_staff = alice.is_superuser = True
    alice.save()
    client.force_login(alice)

    listing = client.get("/admin/lockout/failedlogins/")

    assert listing.status_code == 200
    assert "nobody" in listing.text
    assert client.get("/admin/lockout/failedlogins/add/").status_code == 403
