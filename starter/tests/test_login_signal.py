# --8<-- [start:imports]
from django.http import HttpRequest

from accounts.signals import login_succeeded
from accounts.views import LoginView

from .signal_capture import capture_signal


# --8<-- [end:imports]
# --8<-- [start:sent]
def test_a_login_sends_login_succeeded_once_with_its_arguments(alice, log_in):
    with capture_signal(login_succeeded) as calls:
        response = log_in("alice")

    assert response.status_code == 302
    assert len(calls) == 1
    call = calls[0]
    assert call.signal is login_succeeded
    assert call.sender is LoginView
    # Exactly the documented arguments: a new one must be documented first.
    assert set(call.kwargs) == {"request", "user"}
    assert call.kwargs["user"] == alice
    assert isinstance(call.kwargs["request"], HttpRequest)
    assert call.kwargs["request"].path == "/accounts/login/"


# --8<-- [end:sent]
# --8<-- [start:not_sent]
def test_a_wrong_password_sends_nothing(alice, log_in):
    with capture_signal(login_succeeded) as calls:
        response = log_in("alice", "not-her-password")

    assert response.status_code == 200  # the form again, with an error
    assert calls == []


def test_showing_the_login_page_sends_nothing(client, alice):
    with capture_signal(login_succeeded) as calls:
        client.get("/accounts/login/")

    assert calls == []


def test_a_login_elsewhere_sends_nothing(client, alice):
    # The admin's login page and the test client's login() also log users in,
    # but not through accounts' page: Django's user_logged_in covers those.
    with capture_signal(login_succeeded) as calls:
        client.force_login(alice)

    assert calls == []


# --8<-- [end:not_sent]
def test_login_succeeded_is_sent_once_the_user_is_logged_in(alice, log_in):
    users_seen = []

    def note_user(sender, request, **kwargs):
        users_seen.append(request.user)

    login_succeeded.connect(note_user, weak=False)
    try:
        log_in("alice")
    finally:
        login_succeeded.disconnect(note_user)

    # request.user as it was during the send, not after the response.
    assert users_seen == [alice]


def test_the_capture_helper_disconnects_when_the_block_fails(alice, log_in):
    receivers_before = len(login_succeeded.receivers)
    try:
        with capture_signal(login_succeeded):
            raise AssertionError("a failing test")
    except AssertionError:
        pass

    assert len(login_succeeded.receivers) == receivers_before


def test_the_profile_page_is_for_logged_in_users(client, alice, log_in):
    assert (
        client.get("/accounts/profile/").url
        == "/accounts/login/?next=/accounts/profile/"
    )

    response = log_in("alice")
    assert response.url == "/accounts/profile/"
    assert b"Your profile was created on" in client.get(response.url).content

    assert client.post("/accounts/logout/").url == "/accounts/login/"
    assert client.get("/accounts/profile/").status_code == 302
