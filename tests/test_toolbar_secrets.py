"""No toolbar panel shows a password, a hash, a session key, a CSRF token, or a
user name that names no account.

A learner's session through the toolbar, as `make run` has it: a login with the
password typed into the user-name box, a real login, a page, a comment, a
password change in the admin. Then every panel of every request is rendered as
the toolbar renders it when clicked (render_panel), with the History panel's
own pages, the SQL panel's Sel, Expl and Prof of every query, and the toolbar
bar of each HTML page; none of it may contain any of the secrets seen on the way.
"""

import json
import re
import secrets

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client

from bar.models import LoginRecord
from blog.models import Comment
from lockout.models import FailedLogins
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Our own "Signals sent" panel masks its arguments itself (signal_watch).
OWN_PANELS = {"SignalsSentPanel"}


def turn_on_toolbar(settings):
    """Turn the debug toolbar on for one test, as `make run` has it: DEBUG on,
    its middleware right after the one that refuses unreadable requests, its
    URLs routed (tests/toolbar_urls.py). tests/test_unreadable_requests.py
    checks that this is the order of `make run`'s settings."""
    settings.DEBUG = True
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "debug_toolbar"]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index(settings.REFUSE_UNREADABLE_REQUESTS) + 1,
        "debug_toolbar.middleware.DebugToolbarMiddleware",
    )
    settings.MIDDLEWARE = middleware
    settings.ROOT_URLCONF = "tests.toolbar_urls"


@pytest.fixture
def toolbar_store(settings):
    turn_on_toolbar(settings)
    from debug_toolbar.store import get_store  # importable once installed

    store = get_store()
    store.clear()
    yield store
    store.clear()


class Session_:
    """A browser: follows the CSRF token from page to page and remembers every
    secret it sees (tokens, cookies) so that the test can look for them."""

    def __init__(self):
        self.client = Client(enforce_csrf_checks=True)
        self.seen = set()
        self.pages = []
        self.token = None

    def remember(self, response):
        for name in ("sessionid", "csrftoken"):
            if name in self.client.cookies:
                self.seen.add(self.client.cookies[name].value)
        match = (
            TOKEN.search(response.text)
            if response.get("Content-Type", "").startswith("text/html")
            else None
        )
        if match:
            self.token = match[1]
            self.seen.add(self.token)
        if "djDebug" in response.text:
            self.pages.append(response.text.split('id="djDebug"', 1)[1])
        return response

    def get(self, url):
        return self.remember(self.client.get(url))

    def post(self, url, data):
        return self.remember(
            self.client.post(url, {**data, "csrfmiddlewaretoken": self.token})
        )


@pytest.fixture
def admin_alice(alice):
    alice.is_staff = alice.is_superuser = True
    alice.save()
    return alice


@pytest.fixture
def browsed(toolbar_store, admin_alice, post):
    """The learner's session; returns (the browser, every secret to look for)."""
    browser = Session_()
    wrong_password = "wrong-" + secrets.token_urlsafe(12)
    new_password = "new-" + secrets.token_urlsafe(12)
    hashes = {admin_alice.password}

    browser.get(LOGIN_URL)
    # The password typed into the user-name box: it names no account.
    failed = browser.post(LOGIN_URL, {"username": PASSWORD, "password": wrong_password})
    assert failed.status_code == 200
    assert (
        browser.post(LOGIN_URL, {"username": "alice", "password": PASSWORD}).status_code
        == 302
    )
    browser.get(post.get_absolute_url())
    browser.post(f"{post.get_absolute_url()}comments/", {"body": "Seen by the panels."})
    browser.get(post.get_absolute_url())
    browser.get("/admin/password_change/")
    changed = browser.post(
        "/admin/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert changed.status_code == 302
    browser.get("/admin/")

    admin_alice.refresh_from_db()
    hashes.add(admin_alice.password)
    secret_values = {
        "the real password, typed as a user name and as a password": PASSWORD,
        "a wrong password": wrong_password,
        "the new password": new_password,
        "the session auth hash": admin_alice.get_session_auth_hash(),
    }
    for password_hash in hashes:
        secret_values[f"a password hash ({password_hash[:12]}...)"] = password_hash
        secret_values["the digest of a hash"] = password_hash.rsplit("$", 1)[1]
    for number, value in enumerate(sorted(browser.seen)):
        secret_values[f"a token or session key seen by the browser (#{number})"] = value
    for session in Session.objects.all():
        secret_values[f"a session key ({session.pk[:4]}...)"] = session.pk
        secret_values[f"session data ({session.pk[:4]}...)"] = session.session_data
    return browser, secret_values


def rendered_panels(browser, store):
    """Every panel of every stored request, as the toolbar shows it when clicked."""
    from debug_toolbar.toolbar import DebugToolbar

    shown = {}
    for request_id in list(store.request_ids()):
        toolbar = DebugToolbar.fetch(request_id)
        for panel in toolbar.panels:
            response = browser.client.get(
                "/__debug__/render_panel/",
                {"request_id": request_id, "panel_id": panel.panel_id},
            )
            assert response.status_code == 200
            shown.setdefault(panel.panel_id, []).append(
                response.json()["content"] or ""
            )
        for view in ("history_sidebar", "history_refresh"):
            response = browser.client.get(
                f"/__debug__/{view}/", {"request_id": request_id}
            )
            assert response.status_code == 200
            shown.setdefault("HistoryPanel", []).append(response.text)
    shown["the toolbar on each page"] = browser.pages
    return shown


def sql_results(browser, store):
    """What the SQL panel's Sel and Expl buttons show, for every query (Prof is
    for MySQL only)."""
    from debug_toolbar.forms import SignedDataForm

    results = []
    for request_id in list(store.request_ids()):
        for query in store.panel(request_id, "SQLPanel").get("queries", []):
            signed = SignedDataForm.sign(
                {"request_id": request_id, "djdt_query_id": query["djdt_query_id"]}
            )
            for view in ("sql_select", "sql_explain"):
                response = browser.client.post(
                    f"/__debug__/{view}/", {"signed": signed}
                )
                assert response.status_code == 200, (view, response.text)
                results.append(response.text)
    return results


def database_state():
    return (
        list(get_user_model().objects.values_list("username", "password")),
        list(Session.objects.values_list("session_key", "session_data")),
        list(Comment.objects.values_list("pk", "body")),
        LoginRecord.objects.count(),
        FailedLogins.objects.count(),
    )


def leaks(texts, secret_values):
    """Which secrets appear in ``texts``, as they are or HTML-escaped."""
    found = set()
    for text in texts:
        for name, value in secret_values.items():
            forms = {value, json.dumps(value)[1:-1]}
            forms |= {
                form.replace("'", "&#x27;").replace('"', "&quot;") for form in forms
            }
            if any(form in text for form in forms):
                found.add(name)
    return found


def test_no_toolbar_panel_shows_a_secret(browsed, toolbar_store):
    browser, secret_values = browsed
    shown = rendered_panels(browser, toolbar_store)
    # Every panel was rendered for every request, so nothing passed unseen.
    assert set(shown) >= {"HistoryPanel", "RequestPanel", "SQLPanel", "TemplatesPanel"}
    found = {
        panel: sorted(leaks(texts, secret_values))
        for panel, texts in shown.items()
        if panel not in OWN_PANELS
    }
    assert {panel: names for panel, names in found.items() if names} == {}

    # Masking goes by value and by shape: the rest stays, or the panels are useless.
    history = "".join(shown["HistoryPanel"])
    assert "/accounts/login/" in history and "Seen by the panels." in history
    sql = "".join(shown["SQLPanel"])
    assert '"django_session"."session_key" = \'********************\'' in sql
    assert "lockout_failedlogins" in sql
    assert "Seen by the panels." in sql  # the comment's INSERT
    request = "".join(shown["RequestPanel"])
    assert "csrfmiddlewaretoken" in request and "********************" in request


def test_the_signals_sent_panel_shows_no_secret(browsed, toolbar_store):
    browser, secret_values = browsed
    shown = rendered_panels(browser, toolbar_store)
    assert leaks(shown["SignalsSentPanel"], secret_values) == set()


def test_sql_panel_buttons_show_no_secret_and_write_nothing(
    browsed, toolbar_store, admin_alice
):
    browser, secret_values = browsed
    before = database_state()
    results = sql_results(browser, toolbar_store)
    # The toolbar offers Sel for an INSERT or an UPDATE too; with the values
    # masked, running one again would write the masks (alice's password!).
    assert database_state() == before
    assert any("Only a SELECT is run again" in result for result in results)
    assert len(results) > 30
    assert sorted(leaks(results, secret_values)) == []
    # "Sel" still shows rows: alice's, with her hash masked.
    assert any(
        "alice" in result and "********************" in result for result in results
    )


@pytest.mark.parametrize(
    "query, status",
    [
        ({}, 400),
        ({"request_id": "x"}, 400),
        ({"panel_id": "SQLPanel"}, 400),
        ({"request_id": "x", "panel_id": "NoSuchPanel"}, 404),
        ({"request_id": "unknown", "panel_id": "SQLPanel"}, 200),  # "not available"
    ],
)
def test_render_panel_refuses_bad_requests_without_a_500(toolbar_store, query, status):
    client = Client(raise_request_exception=False)
    response = client.get("/__debug__/render_panel/", query)
    assert response.status_code == status
    if status == 400:
        assert "Missing query parameter" in response.text


# Full-width letters, with spaces around: the login form strips the spaces and
# NFKC-normalises the letters, so "secret-pass" is what reaches authenticate(),
# the SQL and the signals.
TYPED_NAME = "  \uff53\uff45\uff43\uff52\uff45\uff54-\uff50\uff41\uff53\uff53  "


def test_no_panel_shows_the_user_name_in_any_form_it_takes(toolbar_store, alice):
    browser = Session_()
    browser.get(LOGIN_URL)
    failed = browser.post(LOGIN_URL, {"username": TYPED_NAME, "password": "wrong"})
    assert failed.status_code == 200

    shown = rendered_panels(browser, toolbar_store)

    # Every panel is looked at, ours too.
    assert set(shown) >= {
        "HistoryPanel",
        "HeadersPanel",
        "RequestPanel",
        "SQLPanel",
        "TemplatesPanel",
        "SignalsSentPanel",
    }
    typed_forms = {
        "as typed": TYPED_NAME,
        "stripped": TYPED_NAME.strip(),
        "as the form cleans it": "secret-pass",
    }
    found = {panel: sorted(leaks(texts, typed_forms)) for panel, texts in shown.items()}
    assert {panel: names for panel, names in found.items() if names} == {}
    # The query that looked the name up is still shown, with the name masked.
    sql = "".join(shown["SQLPanel"])
    assert '"auth_user"."username" = \'********************\'' in sql
