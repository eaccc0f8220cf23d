"""foo: the custom user_login signal and the login view that sends it."""

# --8<-- [start:imports]
import ast
from pathlib import Path

import pytest
from django.contrib.auth.signals import user_logged_in
from django.urls import reverse

from foo import views
from foo.signals import user_login
from tests.conftest import PASSWORD
from tests.signal_capture import capture_signal

# --8<-- [end:imports]
# --8<-- [start:setup]
pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
# --8<-- [end:setup]


def test_login_url_is_foos_view():
    assert reverse("login") == LOGIN_URL


def test_login_page_renders_with_csrf_token(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content


# --8<-- [start:sent_once]
def test_successful_login_sends_user_login_once_with_documented_arguments(
    client, alice
):
    with capture_signal(user_login) as calls:
        response = client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert len(calls) == 1
    call = calls[0]
    assert call.sender is views.LoginView
    assert call.signal is user_login
    assert set(call.kwargs) == {"request", "user"}
    assert call.kwargs["user"] == alice
    assert call.kwargs["request"].path == LOGIN_URL


# --8<-- [end:sent_once]
def test_user_login_is_sent_after_the_user_is_logged_in(client, alice):
    seen = {}

    def check(sender, request, user, **kwargs):
        # By the time the signal goes out, the request's user and session
        # already belong to the user who logged in.
        seen["request_user"] = request.user
        seen["session_user_id"] = request.session.get("_auth_user_id")

    user_login.connect(check, weak=False)
    try:
        client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD})
    finally:
        user_login.disconnect(check)

    assert seen == {"request_user": alice, "session_user_id": str(alice.pk)}


def test_user_login_follows_djangos_user_logged_in(client, alice):
    order = []

    def on_logged_in(sender, **kwargs):
        order.append("user_logged_in")

    def on_user_login(sender, **kwargs):
        order.append("user_login")

    user_logged_in.connect(on_logged_in)
    user_login.connect(on_user_login)
    try:
        client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD})
    finally:
        user_logged_in.disconnect(on_logged_in)
        user_login.disconnect(on_user_login)

    assert order == ["user_logged_in", "user_login"]


# --8<-- [start:not_sent]
@pytest.mark.parametrize(
    "data",
    [
        {"username": "alice", "password": "wrong password"},
        {"username": "nobody", "password": PASSWORD},
        {"username": "", "password": ""},
        {},
    ],
    ids=["wrong-password", "unknown-user", "empty-fields", "missing-fields"],
)
def test_failed_login_does_not_send_user_login(client, alice, data):
    with capture_signal(user_login) as calls:
        response = client.post(LOGIN_URL, data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session
    assert calls == []


# --8<-- [end:not_sent]
def test_inactive_user_cannot_log_in_and_gets_no_user_login(client, alice):
    alice.is_active = False
    alice.save()
    with capture_signal(user_login) as calls:
        response = client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    assert calls == []


def test_login_redirects_to_local_next(client, alice):
    response = client.post(
        LOGIN_URL, {"username": "alice", "password": PASSWORD, "next": "/posts/x/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/posts/x/"


def test_foo_imports_neither_bar_nor_blog():
    """foo must not know who listens to its signal."""
    foo_dir = Path(views.__file__).parent
    imported = set()
    for path in foo_dir.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
    top_level = {name.split(".")[0] for name in imported}
    assert "django" in top_level  # the scan did find foo's imports
    assert not top_level & {"bar", "blog"}
