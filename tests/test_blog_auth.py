"""blog's receivers for Django's authentication signals."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)

from tests.conftest import PASSWORD
from tests.signal_capture import capture_signal

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
LOGOUT_URL = "/accounts/logout/"


def blog_lines(signal_log, name):
    return [line for line in signal_log() if line.startswith(f"[blog.signals] {name} ")]


def test_login_sends_user_logged_in_with_the_user(client, alice, signal_log):
    with capture_signal(user_logged_in) as calls:
        client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD})

    (call,) = calls
    assert call.sender is get_user_model()
    assert set(call.kwargs) == {"request", "user"}
    assert call.kwargs["user"] == alice
    assert blog_lines(signal_log, "user_logged_in") == [
        "[blog.signals] user_logged_in sender=User user='alice' path='/accounts/login/'"
    ]


def test_wrong_password_sends_user_login_failed_once_with_cleansed_credentials(
    client, alice, signal_log
):
    with (
        capture_signal(user_login_failed) as failed,
        capture_signal(user_logged_in) as logged_in,
    ):
        client.post(LOGIN_URL, {"username": "alice", "password": "hunter2-wrong"})

    assert logged_in == []
    (call,) = failed
    assert call.sender == "django.contrib.auth"
    assert set(call.kwargs) == {"credentials", "request"}
    assert call.kwargs["credentials"]["username"] == "alice"
    assert call.kwargs["credentials"]["password"] != "hunter2-wrong"
    assert set(call.kwargs["credentials"]["password"]) == {"*"}
    assert blog_lines(signal_log, "user_login_failed") == [
        "[blog.signals] user_login_failed sender='django.contrib.auth' "
        "credentials={'password': '********************', 'username': 'alice'} "
        "path='/accounts/login/'"
    ]
    assert "hunter2-wrong" not in "\n".join(signal_log())


def test_every_credential_that_looks_sensitive_is_starred_and_request_may_be_none():
    # authenticate() called from code, without a request: a token and a secret
    # are starred like a password; other keys are sent as given.
    with capture_signal(user_login_failed) as calls:
        user = authenticate(username="nobody", api_token="t0k", secret="s3", otp="1")
    assert user is None
    (call,) = calls
    assert call.kwargs["request"] is None
    assert call.kwargs["credentials"] == {
        "username": "nobody",
        "api_token": "********************",
        "secret": "********************",
        "otp": "1",
    }


def test_successful_login_sends_no_user_login_failed(client, alice):
    with capture_signal(user_login_failed) as failed:
        client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD})
    assert failed == []


def test_missing_field_never_reaches_authentication(client, alice):
    # Without a password the form is invalid before authenticate() runs, so
    # there is no failed authentication to report.
    with capture_signal(user_login_failed) as failed:
        response = client.post(LOGIN_URL, {"username": "alice"})
    assert response.status_code == 200
    assert failed == []


def test_huge_user_name_is_reported_once_and_shortened(client, alice, signal_log):
    with capture_signal(user_login_failed) as failed:
        response = client.post(LOGIN_URL, {"username": "a" * 10_000, "password": "x"})
    assert response.status_code == 200
    assert len(failed) == 1
    (line,) = blog_lines(signal_log, "user_login_failed")
    assert len(line) < 250
    assert "'username': '<not an account>'" in line


def test_password_typed_as_user_name_is_not_logged(client, alice, caplog, signal_log):
    # A user who types the password into the user-name box: the failed login is
    # reported, but a user name that names no account is never written out.
    with capture_signal(user_login_failed) as failed:
        client.post(LOGIN_URL, {"username": PASSWORD, "password": PASSWORD})
    assert len(failed) == 1
    assert blog_lines(signal_log, "user_login_failed") == [
        "[blog.signals] user_login_failed sender='django.contrib.auth' "
        "credentials={'password': '********************', 'username': '<not an account>'} "
        "path='/accounts/login/'"
    ]
    assert PASSWORD not in caplog.text


def test_logout_by_post_sends_user_logged_out(alice_client, alice, signal_log):
    with capture_signal(user_logged_out) as calls:
        response = alice_client.post(LOGOUT_URL)

    assert response.status_code == 302
    (call,) = calls
    assert call.sender is get_user_model()
    assert set(call.kwargs) == {"request", "user"}
    assert call.kwargs["user"] == alice
    assert blog_lines(signal_log, "user_logged_out") == [
        "[blog.signals] user_logged_out sender=User user='alice' path='/accounts/logout/'"
    ]


def test_logout_by_get_is_405_and_sends_nothing(alice_client):
    with capture_signal(user_logged_out) as calls:
        response = alice_client.get(LOGOUT_URL)
    assert response.status_code == 405
    assert calls == []
    assert "_auth_user_id" in alice_client.session


def test_logout_when_not_logged_in_reports_no_user(client, signal_log):
    with capture_signal(user_logged_out) as calls:
        client.post(LOGOUT_URL)
    (call,) = calls
    assert call.kwargs["user"] is None
    assert blog_lines(signal_log, "user_logged_out") == [
        "[blog.signals] user_logged_out sender=NoneType user=None path='/accounts/logout/'"
    ]
