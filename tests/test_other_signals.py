"""Chapter 8: Django's other built-in signals, with blog's receivers for them."""

# --8<-- [start:imports]
import pytest
from django.conf import settings
from django.core.signals import got_request_exception, setting_changed
from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.test.signals import template_rendered
from django.urls import resolve

from blog import other_signals
from blog.models import Post
from blog.other_signals import forget_spam_words, spam_words
from blog.views import PostDetailView
from foo.views import LoginView
from tests.signal_capture import capture_signal

pytestmark = pytest.mark.django_db

# The LOGGING formatter starts each line with the logger's name, which is the
# receiver's module: "[blog.other_signals] ...".
OTHER_SIGNALS = f"[{other_signals.__name__}]"


# --8<-- [end:imports]


# --8<-- [start:blog_lines]
def blog_lines(signal_log, name):
    """What blog's receivers logged for the signal `name`, as the terminal shows it."""
    app = f"[{other_signals.__package__}."  # "[blog."
    return [
        line
        for line in signal_log()
        if line.startswith(app) and line.partition("] ")[2].startswith(f"{name} ")
    ]
    # --8<-- [end:blog_lines]


# got_request_exception ------------------------------------------------------------


# --8<-- [start:got_request_exception]
@pytest.mark.urls("tests.urls_with_error")
def test_unhandled_exception_sends_got_request_exception(db, signal_log):
    client = Client(raise_request_exception=False)  # get the 500 page instead
    with capture_signal(got_request_exception) as calls:
        response = client.get("/broken/")

    assert response.status_code == 500
    (call,) = calls
    assert call.sender is None
    assert set(call.kwargs) == {"request"}
    assert call.kwargs["request"].path == "/broken/"
    assert blog_lines(signal_log, "got_request_exception") == [
        f"{OTHER_SIGNALS} got_request_exception path='/broken/' exception=RuntimeError"
    ]
    assert "s3cr3t" not in "\n".join(signal_log())


def test_404_and_403_are_answers_not_exceptions(client, post):
    # A post's page for a slug that no post has: the URL exists, and the view
    # raises Http404 (get_absolute_url() builds it from blog/urls.py).
    missing = Post(slug="no-such-post").get_absolute_url()
    assert resolve(missing).func.view_class is PostDetailView
    # The login page (the LOGIN_URL setting), posted to without a CSRF token.
    login = resolve_url(settings.LOGIN_URL)
    with capture_signal(got_request_exception) as calls:
        assert client.get(missing).status_code == 404
        assert Client(enforce_csrf_checks=True).post(login).status_code == 403
    assert calls == []


# --8<-- [end:got_request_exception]
def test_bad_requests_are_answers_not_exceptions_either(client):
    with capture_signal(got_request_exception) as calls:
        bad_upload = client.generic(
            "POST",
            "/accounts/login/",
            b"username=alice",
            content_type="multipart/form-data",  # and no boundary
        )
        bad_host = client.get("/", headers={"host": "attacker.example"})
    assert (bad_upload.status_code, bad_host.status_code) == (400, 400)
    assert calls == []


# connection_created ------------------------------------------------------------------


# --8<-- [start:connection_created]
def test_every_new_connection_gets_the_slug_function(signal_log):
    new = connections.create_connection("default")
    # Connecting happens on first use, here when the cursor is opened.
    with capture_signal(connection_created) as calls, new.cursor() as cursor:
        cursor.execute("SELECT blog_slugify(%s)", ["Signals: the Basics!"])
        assert cursor.fetchone() == ("signals-the-basics",)
    new.close()

    (call,) = calls
    assert call.kwargs["connection"] is new
    assert call.sender is type(new)  # the backend's DatabaseWrapper class
    assert (
        f"{OTHER_SIGNALS} connection_created vendor=sqlite alias='default'"
        in signal_log()
    )


def test_existing_connection_is_not_announced_again(signal_log):
    with capture_signal(connection_created) as calls, connection.cursor() as cursor:
        cursor.execute("SELECT blog_slugify('Ça va?')")
        assert cursor.fetchone() == ("ca-va",)
    assert calls == []


# --8<-- [end:connection_created]
# setting_changed ----------------------------------------------------------------------


# --8<-- [start:setting_changed]
def test_changing_the_setting_in_a_test_clears_the_cached_words(signal_log):
    assert "casino" in spam_words()  # cached from the real settings
    with override_settings(BLOG_SPAM_WORDS=["Lottery"]):
        assert spam_words() == ("lottery",)
    assert "casino" in spam_words()  # restored on the way out
    assert blog_lines(signal_log, "setting_changed") == [
        f"{OTHER_SIGNALS} setting_changed BLOG_SPAM_WORDS enter=True",
        f"{OTHER_SIGNALS} setting_changed BLOG_SPAM_WORDS enter=False",
    ]


def test_without_the_receiver_the_cache_would_be_stale():
    spam_words()  # fill the cache
    setting_changed.disconnect(forget_spam_words)
    try:
        with override_settings(BLOG_SPAM_WORDS=["lottery"]):
            assert "casino" in spam_words()  # stale: the override is ignored
    finally:
        setting_changed.connect(forget_spam_words)
        spam_words.cache_clear()


# --8<-- [end:setting_changed]
# template_rendered ------------------------------------------------------------------------


# --8<-- [start:template_rendered]
def test_rendering_a_page_sends_template_rendered_per_template(client):
    # Sent only once something has replaced Template._render with Django's
    # instrumented version: setup_test_environment() (the test runner and
    # pytest-django call it), or django-debug-toolbar's Templates panel.
    with capture_signal(template_rendered) as calls:
        client.get(resolve_url(settings.LOGIN_URL))  # chapter 5's login page

    names = [call.kwargs["template"].name for call in calls]
    # The page, the template it extends, then the form's: one per widget,
    # label, ... (which ones depends on how the page renders the form).
    assert names[:2] == [LoginView.template_name, "base.html"]
    assert {
        "django/forms/widgets/text.html",
        "django/forms/widgets/password.html",
    } <= set(names[2:])
    assert "form" in calls[0].kwargs["context"]


# --8<-- [end:template_rendered]
