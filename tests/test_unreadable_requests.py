"""Requests whose body or parameters Django cannot read: a 400 that says why.

Four kinds, each a 500 before (tutorial_site/middleware.py explains why):

- a form POST that declares a charset other than UTF-8 (Django decodes form
  bodies as UTF-8 only, and raises BadRequest at every read of ``request.POST``);
- a ``Content-Length`` that is not written in digits (``abc``, ``1e3``, ``-5``):
  Django 5.2 raises ValueError at the first read of the body;
- a charset Python knows but cannot decode text with (``zlib``, ``rot13``, ...)
  together with a query string: Django raises as it builds the request;
- a ``Content-Type`` header Django's parser refuses, also as it builds the request.

With DEBUG on, Django's technical error page and the debug toolbar's Request and
History panels read the body again. Each case goes through the whole middleware
stack, in three modes: the toolbar on as `make run` has it, DEBUG on, DEBUG off.
The last two kinds raise before any middleware, inside the WSGI handler, so those
cases go through the handler that tutorial_site/wsgi.py serves, as a WSGI server
would call it; the test client builds its requests itself.
"""

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.wsgi import WSGIRequest
from django.core.management import get_commands
from django.test import Client, RequestFactory

from foo.signals import user_login
from tests.asgi_request import asgi_request
from tests.conftest import PASSWORD
from tests.signal_capture import capture_signal
from tests.test_request_signals import keeping_the_test_database_open
from tests.test_settings import load_settings, run
from tests.test_toolbar_secrets import turn_on_toolbar
from tutorial_site.management.commands.runserver import StaticFilesHandler
from tutorial_site.middleware import RequestCheckingWSGIHandler

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
TOOLBAR = "debug_toolbar.middleware.DebugToolbarMiddleware"
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


def assert_refused(response, *words):
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    message = response.content.decode()
    for word in words:
        assert word in message
    return message


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


# --- Content-Length ------------------------------------------------------------------
# Not a size in digits: Django 5.2's int() raises on the first four (and on the
# last three Django 6.1 falls back to 0, reading no body), and takes the others
# for numbers ("-5" a negative size) that no HTTP client sends.
BAD_LENGTHS = ["abc", "1e3", "\xe9", " ", "-5", "+25", "1_0", "\u0662\u0665"]


@pytest.mark.parametrize("length", BAD_LENGTHS)
@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/admin/login/"])
def test_a_content_length_not_in_digits_is_a_400_that_says_why(mode, url, length):
    client = Client(raise_request_exception=False)
    response = client.post(
        url,
        data=b"username=alice&password=x",
        content_type=FORM,
        CONTENT_LENGTH=length,
    )
    assert_refused(response, "Content-Length", "digits")


def test_a_get_with_a_content_length_not_in_digits_is_refused_too(mode):
    response = Client().get("/", CONTENT_LENGTH="abc")
    assert_refused(response, "Content-Length")


@pytest.mark.parametrize("length", ["25", " 25\t"])
def test_a_content_length_in_digits_still_logs_in(mode, alice, length):
    client = Client()
    body = f"username=alice&password={PASSWORD}".encode()
    length = length.replace("25", str(len(body)))
    response = client.post(
        "/accounts/login/", data=body, content_type=FORM, CONTENT_LENGTH=length
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


# --- Charsets that Python knows but cannot decode text with ---------------------------
# Not text encodings at all (zlib, rot13, hex, base64, ...), or text encodings
# that raise UnicodeError rather than replace what they cannot decode (idna,
# undefined). Names as sent, in any case and spelling Python accepts.
UNDECODABLE_CHARSETS = [
    *["zlib", "ZLIB", "zip", "rot13", "rot_13", "hex", "base64", "bz2", "uu"],
    *["quopri", "idna", "undefined"],
]
# With a query string, which Django decodes with the declared charset. "caf%C3%A9"
# is café: a charset can decode plain ASCII and still fail on other bytes (idna).
QUERY_STRING_REQUESTS = [
    ("GET", "/?page=2&q=caf%C3%A9", "text/plain"),
    ("POST", "/accounts/login/?next=/caf%C3%A9", "text/plain"),
    ("POST", "/accounts/login/?next=/caf%C3%A9", FORM),
    ("POST", "/no-such-page/?q=caf%C3%A9", "application/json"),
]


def through_the_wsgi_handler(method, path, content_type, body=b"abc"):
    """The response of tutorial_site/wsgi.py's handler, built with the settings
    of the test, to a request with this Content-Type header."""
    # RequestFactory builds a request from its environ, so it gets a harmless
    # Content-Type first.
    environ = RequestFactory().generic(method, path, body, "text/plain").environ
    environ = {**environ, "CONTENT_TYPE": content_type}
    with keeping_the_test_database_open():
        response = RequestCheckingWSGIHandler()(environ, lambda status, headers: None)
        response.close()
    return response


@pytest.mark.parametrize("charset", UNDECODABLE_CHARSETS)
@pytest.mark.parametrize("method, path, content_type", QUERY_STRING_REQUESTS)
def test_a_charset_python_cannot_decode_with_is_a_400_that_says_why(
    mode, method, path, content_type, charset
):
    response = through_the_wsgi_handler(
        method, path, f"{content_type}; charset={charset}"
    )
    assert_refused(response, f"charset={charset}", "charset=utf-8")


def through_the_asgi_application(method, path, content_type):
    """The status and body of tutorial_site/asgi.py's answer, called as an ASGI
    server calls it, to a request with this Content-Type header."""
    from tutorial_site.asgi import application

    _, call, messages = asgi_request(
        application,
        path,
        method=method,
        headers=[(b"content-type", content_type.encode("latin-1"))],
        body=b"abc",
    )
    async_to_sync(call)()
    return messages[0]["status"], messages[1]["body"].decode()


@pytest.mark.parametrize("charset", ["zlib", "rot13", "idna"])
@pytest.mark.parametrize("method, path, content_type", QUERY_STRING_REQUESTS)
def test_under_asgi_such_a_charset_is_a_400_too(method, path, content_type, charset):
    # Django's ASGIRequest decodes the query string only when it is first read,
    # so there the middleware alone is enough.
    status, body = through_the_asgi_application(
        method, path, f"{content_type}; charset={charset}"
    )
    assert status == 400
    assert f"charset={charset}" in body


@pytest.mark.parametrize("charset", ["zlib", "idna"])
def test_a_charset_given_as_an_rfc_2231_parameter_is_checked_too(mode, charset):
    response = through_the_wsgi_handler(
        "GET", "/?q=caf%C3%A9", f"text/plain; charset*=utf-8''{charset}"
    )
    assert_refused(response, f"charset={charset}")


def test_a_content_type_header_django_cannot_parse_is_a_400(mode):
    response = through_the_wsgi_handler(
        "GET", "/?page=2", "text/plain; charset*=no-such-charset''utf-8"
    )
    assert_refused(response, "Content-Type", "cannot be parsed")


@pytest.mark.parametrize("charset", ["utf-8", "latin-1", "utf-16", "no-such-charset"])
def test_a_charset_django_can_decode_with_or_does_not_know_is_served(
    mode, post, charset
):
    # An unknown charset is ignored by Django, which reads UTF-8 instead.
    response = through_the_wsgi_handler(
        "GET", "/?page=1&q=caf%C3%A9", f"text/plain; charset={charset}"
    )
    assert response.status_code == 200
    assert post.title in response.content.decode()


@pytest.mark.parametrize("charset", ["zlib", "rot13", "idna"])
def test_django_alone_raises_as_it_builds_such_a_request(charset):
    # Why tutorial_site/wsgi.py builds its requests with a class of its own: with
    # Django's, the exception comes before any middleware could answer. (For
    # idna, Django takes the UnicodeError for too many fields.)
    environ = RequestFactory().get("/?q=caf%C3%A9").environ
    environ = {**environ, "CONTENT_TYPE": f"text/plain; charset={charset}"}
    with pytest.raises((LookupError, UnicodeError, SuspiciousOperation)):
        WSGIRequest(environ)


def test_wsgi_py_serves_the_request_checking_handler():
    # In a process of its own: importing tutorial_site.wsgi sets Django up, and
    # its logging, again.
    result = run(
        ["-c", "import tutorial_site.wsgi as w; print(type(w.application).__name__)"]
    )
    assert result.stdout.strip() == "RequestCheckingWSGIHandler", result.stderr


# --- The order of the middleware -----------------------------------------------------


def test_the_request_check_comes_first(settings):
    assert settings.MIDDLEWARE[0] == settings.REFUSE_UNREADABLE_REQUESTS


def test_the_toolbar_comes_right_after_the_request_check_whenever_it_is_on(settings):
    # `make run`'s settings: DEBUG on, no test running, so the toolbar is on. It
    # reads every request's parameters and body, so it must come after the check.
    loaded = load_settings()
    assert "debug_toolbar" in loaded["INSTALLED_APPS"]
    assert loaded["MIDDLEWARE"][:2] == [loaded["REFUSE_UNREADABLE_REQUESTS"], TOOLBAR]
    # The tests that turn the toolbar on put it in the same place.
    turn_on_toolbar(settings)
    assert loaded["MIDDLEWARE"] == settings.MIDDLEWARE


# --- runserver's static files handler ------------------------------------------------
# Paths out of the static folders, as the server decodes them (".." and "%2e%2e"
# and "..%2f" are all "../" by then).
STATIC_TRAVERSALS = [
    "/static/../settings.py",
    "/static/..%2f..%2fmanage.py",
    "/static/%2e%2e/%2e%2e/manage.py",
]


def test_manage_py_runserver_is_the_projects():
    assert get_commands()["runserver"] == "tutorial_site"


@pytest.mark.parametrize("path", STATIC_TRAVERSALS)
@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_a_static_path_out_of_the_static_folders_is_a_400_logged_once(
    settings, caplog, path, debug
):
    # runserver serves static files with DEBUG on, and with --insecure when off.
    settings.DEBUG = debug
    handler = StaticFilesHandler(RequestCheckingWSGIHandler())
    environ = RequestFactory().get(path).environ
    with keeping_the_test_database_open():
        response = handler(environ, lambda status, headers: None)
        response.close()
    assert response.status_code == 400
    assert [(record.name, record.levelname) for record in caplog.records] == [
        ("django.security.SuspiciousFileOperation", "ERROR")
    ]
