"""A form POST that declares a charset other than UTF-8: a 400 that says why.

Django decodes ``application/x-www-form-urlencoded`` bodies as UTF-8 only: for
any other declared charset, reading ``request.POST`` raises ``BadRequest``, and
raises again on every later read. Whatever reads it next (Django's technical
error page with DEBUG on, the debug toolbar's Request and History panels) then
fails too, and the answer was a 500. Each case here goes through the whole
middleware stack as a real request would.
"""

import pytest
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.test import Client

from foo.signals import user_login
from tests.conftest import PASSWORD
from tests.signal_capture import capture_signal
from tests.test_toolbar_secrets import turn_on_toolbar

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
# Charsets Python knows (an unknown one is ignored by Django, and the body read
# as UTF-8). "utf8" is UTF-8 by another name, which Django refuses all the same.
REFUSED_CHARSETS = ["utf8", "latin-1", "ascii", "utf-16", "UTF8", "iso-8859-1"]

# A view that reads the form, a view that never reads it (GET only), a page that
# does not exist, and the admin's login.
URLS = ["/accounts/login/", "/", "/no-such-page/", "/admin/login/"]


@pytest.fixture(params=["debug with the toolbar", "debug", "production"])
def mode(request, settings):
    if request.param == "debug with the toolbar":
        turn_on_toolbar(settings)
    else:
        settings.DEBUG = request.param == "debug"
    return request.param


def post_form(client, url, charset, body=b"username=alice&password=x"):
    return client.post(url, data=body, content_type=f"{FORM}; charset={charset}")


@pytest.mark.parametrize("charset", REFUSED_CHARSETS)
@pytest.mark.parametrize("url", URLS)
def test_form_in_another_charset_is_a_400_that_says_why(mode, url, charset):
    # raise_request_exception=False: a server answers an exception with a 500,
    # which is what the test must see, rather than the exception itself.
    client = Client(raise_request_exception=False)
    response = post_form(client, url, charset)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    message = response.content.decode()
    assert "UTF-8" in message
    assert f"charset={charset}" in message


def test_the_refused_form_reaches_no_view_and_sends_no_login_signal(alice):
    client = Client()
    with (
        capture_signal(user_login) as logins,
        capture_signal(user_logged_in) as logged_in,
        capture_signal(user_login_failed) as failed,
    ):
        body = f"username=alice&password={PASSWORD}".encode()
        response = post_form(client, "/accounts/login/", "latin-1", body)
    assert response.status_code == 400
    assert (logins, logged_in, failed) == ([], [], [])
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "Utf-8"])
def test_utf8_by_its_name_still_logs_in(mode, alice, charset):
    client = Client()
    body = f"username=alice&password={PASSWORD}".encode()
    response = post_form(client, "/accounts/login/", charset, body)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_form_without_charset_still_logs_in(mode, alice):
    client = Client()
    body = f"username=alice&password={PASSWORD}".encode()
    response = client.post("/accounts/login/", data=body, content_type=FORM)
    assert response.status_code == 302


def test_other_content_types_with_a_charset_are_left_alone(mode, alice, post):
    # multipart/form-data carries its own encoding per part; Django accepts it.
    client = Client()
    client.force_login(alice)
    response = client.post(
        f"/posts/{post.slug}/comments/",
        {"body": "Signals, in Latin-1 too."},
    )
    assert response.status_code == 302
