"""A receiver that raises, or an audit write that fails, must not break logging in."""

# --8<-- [start:imports]
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from bar.models import LoginRecord
from foo.signals import user_login
from tests.conftest import PASSWORD

# --8<-- [end:imports]
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


# --8<-- [start:helpers]
LOGIN_URL = "/accounts/login/"
CREDENTIALS = {"username": "alice", "password": PASSWORD}


@pytest.fixture
def connect_to_user_login():
    """connect_to_user_login(receiver): connected for this test, in this order."""
    receivers = []

    def connect(receiver):
        user_login.connect(receiver, weak=False)
        receivers.append(receiver)

    yield connect
    # A fixture's teardown runs even when the test fails.
    for receiver in receivers:
        user_login.disconnect(receiver)


def dispatch_errors(caplog):
    """The records that send_robust() logged for receivers that raised."""
    return [r for r in caplog.records if r.name == "django.dispatch"]


# --8<-- [end:helpers]
# --8<-- [start:raising_receiver]
def test_a_raising_receiver_does_not_break_logging_in(
    client, alice, caplog, connect_to_user_login
):
    ran = []

    def explode(sender, **kwargs):
        raise RuntimeError("the audit service is down")

    def after(sender, **kwargs):
        ran.append("after")

    connect_to_user_login(explode)  # after bar's receiver, which ready() connected
    connect_to_user_login(after)

    response = client.post(LOGIN_URL, CREDENTIALS)

    # The login happened, as if nothing had gone wrong...
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)
    # ...every other receiver ran, before and after the one that raised...
    assert LoginRecord.objects.filter(user=alice).count() == 1
    assert ran == ["after"]
    # ...and the error is in the log, with its traceback.
    (record,) = dispatch_errors(caplog)
    assert record.levelname == "ERROR"
    assert "explode in Signal.send_robust()" in record.getMessage()
    assert "the audit service is down" in record.getMessage()
    assert record.exc_info[0] is RuntimeError
    assert "Traceback (most recent call last)" in caplog.text
    assert 'raise RuntimeError("the audit service is down")' in caplog.text


# --8<-- [end:raising_receiver]
# --8<-- [start:send_contrast]
@pytest.mark.urls("tests.fragile_login")
def test_with_send_the_same_receiver_turns_the_login_into_a_500(
    alice, caplog, connect_to_user_login
):
    ran = []

    def explode(sender, **kwargs):
        raise RuntimeError("the audit service is down")

    connect_to_user_login(explode)
    connect_to_user_login(lambda sender, **kwargs: ran.append("after"))
    client = Client(raise_request_exception=False)

    response = client.post(LOGIN_URL, CREDENTIALS)

    assert response.status_code == 500
    assert ran == []  # send() stopped at the first exception
    # Django did log the user in before the signal went out, but the session
    # middleware does not save a session on a 500: the user is logged out again.
    assert "_auth_user_id" not in client.session
    assert dispatch_errors(caplog) == []
    assert any(
        r.name == "django.request" and r.status_code == 500 for r in caplog.records
    )


# --8<-- [end:send_contrast]
def refuse_audit_records(cursor):
    """Make SQLite itself refuse every new LoginRecord: a real database error."""
    cursor.execute(
        f"CREATE TRIGGER refuse_login_records BEFORE INSERT ON {LoginRecord._meta.db_table} "
        "BEGIN SELECT RAISE(ABORT, 'audit table is read-only'); END"
    )


# --8<-- [start:audit_failure]
def test_a_failing_audit_write_is_logged_and_the_login_goes_on(client, alice, caplog):
    with connection.cursor() as cursor:
        refuse_audit_records(cursor)

    response = client.post(LOGIN_URL, CREDENTIALS)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)
    assert not LoginRecord.objects.exists()
    (record,) = dispatch_errors(caplog)
    assert "record_login in Signal.send_robust()" in record.getMessage()
    assert "audit table is read-only" in caplog.text
    assert "Traceback (most recent call last)" in caplog.text


# --8<-- [end:audit_failure]
def test_a_failing_audit_write_leaves_a_request_transaction_usable(
    client, alice, caplog, monkeypatch
):
    # With ATOMIC_REQUESTS the whole view runs in one transaction. bar's
    # savepoint is what keeps that transaction usable after the failed insert.
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
    with connection.cursor() as cursor:
        refuse_audit_records(cursor)

    response = client.post(LOGIN_URL, CREDENTIALS)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)
    assert len(dispatch_errors(caplog)) == 1


def test_receiver_errors_reach_stderr_with_debug_off():
    """With DEBUG off, as in production, the traceback is printed all the same.

    In a process of its own, so that the handler writes to a real stderr. It
    holds with the django.dispatch handler of the settings: Django's default
    logging prints nothing there with DEBUG off.
    """
    script = "\n".join(
        [
            "import django",
            "django.setup()",
            "from django.test import override_settings",
            "from foo.signals import user_login",
            "def explode(sender, **kwargs): raise RuntimeError('boom in a receiver')",
            "user_login.connect(explode)",
            "with override_settings(DEBUG=False):",
            "    user_login.send_robust(sender=None, request=None, user=None)",
        ]
    )
    # pytest-django has put DJANGO_SETTINGS_MODULE in the environment.
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Error calling explode in Signal.send_robust()" in result.stderr
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: boom in a receiver" in result.stderr
