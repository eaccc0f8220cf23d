"""What an attacker learns from the login page, and what the logs give away: nothing."""

# --8<-- [start:imports]
import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client

from blog.models import Comment
from foo.signals import user_login
from tests.conftest import PASSWORD

# --8<-- [end:imports]
pytestmark = pytest.mark.django_db

# --8<-- [start:helpers]
LOGIN_URL = "/accounts/login/"


def csrf_token_of(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)[1]


# --8<-- [end:helpers]
def refusal(username, password):
    response = Client().post(LOGIN_URL, {"username": username, "password": password})
    return response.status_code, response.context["form"].non_field_errors()


def test_unknown_user_wrong_password_and_inactive_user_look_the_same(alice, bob):
    bob.is_active = False
    bob.save()

    answers = {
        "unknown user": refusal("nobody", PASSWORD),
        "wrong password": refusal("alice", "not-" + PASSWORD),
        "inactive, right password": refusal("bob", PASSWORD),
        "inactive, wrong password": refusal("bob", "not-" + PASSWORD),
    }

    status, errors = answers["wrong password"]
    assert status == 200
    assert errors == [
        "Please enter a correct username and password. "
        "Note that both fields may be case-sensitive."
    ]
    for case, answer in answers.items():
        assert answer == (status, errors), case


# --8<-- [start:rotation]
def test_logging_in_rotates_the_session_key_and_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    session = client.session
    session["visited"] = True  # an anonymous session that already has a key
    session.save()
    page = client.get(LOGIN_URL)
    old_session_key = client.cookies["sessionid"].value
    old_csrf_cookie = client.cookies["csrftoken"].value
    old_form_token = csrf_token_of(page)

    response = client.post(
        LOGIN_URL,
        {
            "username": "alice",
            "password": PASSWORD,
            "csrfmiddlewaretoken": old_form_token,
        },
    )

    assert response.status_code == 302
    new_session_key = client.cookies["sessionid"].value
    assert new_session_key != old_session_key
    assert not Session.objects.filter(session_key=old_session_key).exists()
    assert Session.objects.get(session_key=new_session_key).get_decoded()["visited"]
    assert client.cookies["csrftoken"].value != old_csrf_cookie
    # A form token taken before the login is now refused.
    stale = client.post("/accounts/logout/", {"csrfmiddlewaretoken": old_form_token})
    assert stale.status_code == 403


# --8<-- [end:rotation]
def test_user_name_with_line_breaks_gives_one_line_per_event(client, signal_log):
    name = "a\r\nFAKE LINE"
    get_user_model().objects.create_user(username=name, password=PASSWORD)

    client.post(LOGIN_URL, {"username": name, "password": "wrong"})
    client.post(LOGIN_URL, {"username": name, "password": PASSWORD})
    client.post("/accounts/logout/")

    lines = signal_log()
    events = [line.split(" ")[:2] for line in lines]
    for event in [
        ["[blog.signals]", "user_login_failed"],
        ["[lockout.signals]", "user_login_failed"],
        ["[blog.signals]", "user_logged_in"],
        ["[bar.signals]", "user_login"],
        ["[notify.signals]", "user_login"],
        ["[blog.signals]", "user_logged_out"],
    ]:
        assert events.count(event) == 1, event
    for line in lines:
        assert "\r" not in line and "\n" not in line, line
        assert not line.startswith("FAKE")
    assert sum("FAKE LINE" in line for line in lines) == 6


# --8<-- [start:no_secrets]
def test_nothing_printed_or_logged_contains_a_secret(alice, post, caplog, capfd):
    """A hostile visit: every secret it handles is searched for in all output."""
    caplog.set_level(logging.DEBUG)
    secrets = {"password": PASSWORD}
    client = Client(enforce_csrf_checks=True)

    def token():
        page = client.get(LOGIN_URL)
        secrets[f"csrf form token {len(secrets)}"] = csrf_token_of(page)
        secrets[f"csrf cookie {len(secrets)}"] = client.cookies["csrftoken"].value
        return csrf_token_of(page)

    # Wrong passwords until the lockout, then the right one while locked out.
    wrong = [f"wrong-{n}-{PASSWORD}" for n in range(5)]
    secrets |= {f"wrong password {n}": w for n, w in enumerate(wrong)}
    for password in wrong:
        client.post(
            LOGIN_URL,
            {"username": "alice", "password": password, "csrfmiddlewaretoken": token()},
        )
    client.post(
        LOGIN_URL,
        {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token()},
    )
    client.post(LOGIN_URL, {"username": "bob", "password": PASSWORD})  # no token: 403

    # A real login for bob, with a receiver that fails on the way.
    bob = get_user_model().objects.create_user(username="bob", password=PASSWORD)
    secrets["password hash"] = bob.password

    def explode(sender, request, user, **kwargs):
        raise RuntimeError(f"receiver failed for {user.get_username()}")

    user_login.connect(explode)
    try:
        response = client.post(
            LOGIN_URL,
            {"username": "bob", "password": PASSWORD, "csrfmiddlewaretoken": token()},
        )
    finally:
        user_login.disconnect(explode)
    assert response.status_code == 302
    secrets["session key"] = client.cookies["sessionid"].value

    page = client.get(post.get_absolute_url())
    secrets["csrf token after login"] = csrf_token_of(page)
    client.post(
        f"{post.get_absolute_url()}comments/",
        {"body": "Thanks!", "csrfmiddlewaretoken": csrf_token_of(page)},
    )
    client.get("/posts/no-such-post/")
    client.post("/accounts/logout/", {"csrfmiddlewaretoken": csrf_token_of(page)})

    assert Comment.objects.count() == 1
    captured = capfd.readouterr()
    everything = "\n".join([captured.out, captured.err, caplog.text])
    for expected in [
        "user_login_failed user='alice' client=127.0.0.1 failures=5/5 locked_out=True",
        "Forbidden (CSRF token missing.)",
        "Error calling test_nothing_printed_or_logged_contains_a_secret.<locals>.explode",
        "RuntimeError: receiver failed for bob",
        "user_logged_out sender=User user='bob'",
        "Not Found: /posts/no-such-post/",
    ]:
        assert expected in everything, expected  # the output was really read
    for name, secret in secrets.items():
        assert len(secret) >= 8, name
        assert secret not in everything, f"the {name} appears in the output"


# --8<-- [end:no_secrets]
