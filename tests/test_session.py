"""A whole visit, scripted: what the terminal shows, and what it must never show."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from blog.models import Comment
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "not-the-right-one-123"


def csrf_token_of(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)[1]


def test_scripted_session_prints_every_marker_and_no_secret(
    alice, post, caplog, capsys, signal_log
):
    client = Client(enforce_csrf_checks=True)
    secrets = {"password": PASSWORD, "wrong password": WRONG_PASSWORD}

    page = client.get("/accounts/login/")
    secrets["csrf form token (1)"] = csrf_token_of(page)
    secrets["csrf cookie (1)"] = client.cookies["csrftoken"].value
    client.post(
        "/accounts/login/",
        {
            "username": "alice",
            "password": WRONG_PASSWORD,
            "csrfmiddlewaretoken": csrf_token_of(page),
        },
    )
    client.post(
        "/accounts/login/",
        {
            "username": "alice",
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf_token_of(page),
        },
    )
    secrets["session key"] = client.cookies["sessionid"].value
    secrets["password hash"] = get_user_model().objects.get(username="alice").password

    page = client.get(post.get_absolute_url())
    secrets["csrf form token (2)"] = csrf_token_of(page)
    secrets["csrf cookie (2)"] = client.cookies["csrftoken"].value
    for body in ["Very helpful, thank you.", "Win big at our casino"]:
        response = client.post(
            f"{post.get_absolute_url()}comments/",
            {"body": body, "csrfmiddlewaretoken": csrf_token_of(page)},
        )
        assert response.status_code == 302
    client.post("/accounts/logout/", {"csrfmiddlewaretoken": csrf_token_of(page)})
    client.get("/posts/no-such-post/")  # an error page

    assert [c.is_public for c in Comment.objects.order_by("pk")] == [True, False]
    lines = signal_log()
    for marker in [
        "[blog.signals] user_login_failed ",
        "[blog.signals] user_logged_in ",
        "[bar.signals] user_login ",
        "[blog.signals] pre_save Comment is_public=True",
        "[blog.signals] pre_save Comment is_public=False (held back",
        "[blog.signals] post_save Comment(",
        "[blog.signals] pre_init during this request:",
        "[blog.signals] post_init during this request:",
        "[blog.signals] user_logged_out ",
    ]:
        assert any(line.startswith(marker) for line in lines), marker
    # One failed and one good login: the failure is never reported as a login.
    assert sum(line.startswith("[bar.signals] user_login ") for line in lines) == 1
    assert (
        sum(line.startswith("[blog.signals] user_login_failed ") for line in lines) == 1
    )

    captured = capsys.readouterr()
    everything = "\n".join([captured.out, captured.err, caplog.text, *lines])
    assert len(everything) > 500  # the checks below read real output
    for name, secret in secrets.items():
        assert len(secret) >= 8, name
        assert secret not in everything, f"the {name} appears in the output"
