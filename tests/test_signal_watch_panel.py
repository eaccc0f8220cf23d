"""The "Signals sent" toolbar panel: what it records, what it hides, what it leaves."""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db.models.signals import post_init, post_save, pre_init, pre_save
from django.dispatch import Signal
from django.test import Client

import signal_watch
from foo.signals import user_login
from signal_watch.panels import table_rows
from tests.conftest import PASSWORD
from tests.test_signal_watch_recording import dispatcher_state
from tests.test_toolbar_secrets import turn_on_toolbar

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


@pytest.fixture
def toolbar(settings):
    """Turn the debug toolbar on for one test, as `make run` has it."""
    turn_on_toolbar(settings)
    # Importable only once the app is installed (it defines a model).
    from debug_toolbar.store import get_store

    store = get_store()
    store.clear()
    yield store
    store.clear()


def last_stats(store, panel_id="SignalsSentPanel"):
    request_id = list(store.request_ids())[-1]
    return request_id, store.panel(request_id, panel_id)


def rendered_panel(client, request_id, panel_id="SignalsSentPanel"):
    response = client.get(
        "/__debug__/render_panel/",
        {"request_id": request_id, "panel_id": panel_id},
    )
    assert response.status_code == 200
    return response.json()["content"]


def test_toolbar_is_off_under_tests_by_default(settings, client):
    assert "debug_toolbar" not in settings.INSTALLED_APPS
    assert not any("debug_toolbar" in m for m in settings.MIDDLEWARE)
    assert "signal_watch" in settings.INSTALLED_APPS
    assert client.get("/__debug__/render_panel/").status_code == 404


@pytest.fixture
def listening_to(request):
    """Connect a receiver that does nothing to model signals, for a test:
    the sends that call a receiver are the ones whose arguments are kept."""
    connected = []

    def listen(*signals, sender):
        for signal in signals:
            signal.connect(nothing, sender=sender)
            connected.append((signal, sender))

    yield listen
    for signal, sender in connected:
        signal.disconnect(nothing, sender=sender)


def nothing(sender, **kwargs):
    pass


def test_login_records_the_signals_it_sent_in_order(toolbar, alice, listening_to):
    # Nobody here listens to pre_init for users: a receiver of one's own, so
    # that the row of alice that authenticate() reads is shown, masked.
    listening_to(pre_init, sender=get_user_model())
    client = Client(enforce_csrf_checks=True)
    page = client.get(LOGIN_URL)
    csrf_form_token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text
    )[1]
    csrf_cookie = client.cookies["csrftoken"].value

    response = client.post(
        LOGIN_URL,
        {
            "username": "alice",
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf_form_token,
        },
    )
    assert response.status_code == 302
    request_id, stats = last_stats(toolbar)
    sends = stats["sends"]

    # Every send is numbered in the order it started.
    assert [s["order"] for s in sends] == list(range(1, len(sends) + 1))
    auth_and_foo = [
        s["name"]
        for s in sends
        if s["name"] in {"user_logged_in", "user_login", "user_login_failed"}
    ]
    assert auth_and_foo == ["user_logged_in", "user_login"]

    logged_in = next(s for s in sends if s["name"] == "user_logged_in")
    assert logged_in == {
        **logged_in,
        "signal": "django.contrib.auth.signals.user_logged_in",
        "sender": "auth.User",
        "kwargs": {
            "request": "<WSGIRequest: POST '/accounts/login/'>",
            "user": "<User: 'alice'>",
        },
        "method": "send",
        "receivers": 2,  # Django's update_last_login and blog's report_logged_in
        "depth": 0,
        "raised": None,
    }
    login = next(s for s in sends if s["name"] == "user_login")
    assert login == {
        **login,
        "signal": "foo.signals.user_login",
        "sender": "foo.views.LoginView",
        "kwargs": {
            "request": "<WSGIRequest: POST '/accounts/login/'>",
            "user": "<User: 'alice'>",
        },
        "method": "send_robust",
        "receivers": 2,  # bar's record_login and notify's alert_new_login
        "errors": 0,
        "depth": 0,
    }
    assert logged_in["order"] < login["order"]

    # The model signals each of them caused come right after it, one level
    # deeper: nobody listens to them, so they are counted, not described.
    def caused_by(parent):
        index = sends.index(parent) + 1
        children = []
        while index < len(sends) and sends[index]["depth"] > parent["depth"]:
            children.append(sends[index])
            index += 1
        return [
            (s["name"], s["sender"], s["grouped"], s["count"], s["kwargs"])
            for s in children
        ]

    assert caused_by(logged_in) == [
        ("pre_save", "auth.User", True, 1, {}),
        ("post_save", "auth.User", True, 1, {}),
    ]
    assert caused_by(login) == [
        (name, "bar.LoginRecord", True, 1, {})
        for name in ("pre_init", "post_init", "pre_save", "post_save")
    ]
    assert all(s["duration_ms"] >= 0 for s in sends)
    assert logged_in["duration_ms"] > 0 and login["duration_ms"] > 0
    assert stats["count"] == sum(s["count"] for s in sends)

    # No secret anywhere: not in the stored stats, not in the rendered panel.
    html = rendered_panel(client, request_id)
    assert "user_login" in html and "LoginView" in html
    everything = json.dumps(stats) + html
    secrets = {
        "password": PASSWORD,
        "password hash": get_user_model().objects.get(username="alice").password,
        "session key": client.cookies["sessionid"].value,
        "csrf cookie": csrf_cookie,
        "csrf form token": csrf_form_token,
    }
    for name, secret in secrets.items():
        assert len(secret) >= 8, name
        assert secret not in everything, f"the {name} was recorded"
    # The password hash is read (pre_init of the User row), and masked.
    user_row = next(
        s for s in sends if s["name"] == "pre_init" and s["sender"] == "auth.User"
    )
    assert user_row["grouped"] is False  # a receiver listens (above)
    assert "'password': '********************'" in user_row["kwargs"]["args"]


def test_failed_login_records_user_login_failed_and_no_user_login(toolbar, alice):
    client = Client()
    client.post(LOGIN_URL, {"username": "alice", "password": "wrong-password-1"})

    _, stats = last_stats(toolbar)
    names = [s["name"] for s in stats["sends"]]
    assert "user_login_failed" in names
    assert "user_logged_in" not in names and "user_login" not in names
    (failed,) = [s for s in stats["sends"] if s["name"] == "user_login_failed"]
    assert failed["sender"] == "'django.contrib.auth'"
    assert failed["kwargs"] == {
        # Typed by whoever tried: never shown, the user name included.
        "credentials": "{'username': '********************', "
        "'password': '********************'}",
        "request": "<WSGIRequest: POST '/accounts/login/'>",
    }
    assert "wrong-password-1" not in json.dumps(stats)


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        # A password typed into the wrong box.
        ("S3cret-typed-as-user-name", "S3cret-typed-as-user-name"),
        # Full-width letters and spaces around: the login form strips and
        # NFKC-normalises the name before authenticate() and lockout see it.
        (
            "  \uff53\uff45\uff43\uff52\uff45\uff54-\uff50\uff41\uff53\uff53  ",
            "secret-pass",
        ),
    ],
    ids=["plain", "full-width-and-spaces"],
)
def test_panel_never_shows_a_password_typed_as_user_name(
    toolbar, alice, listening_to, typed, cleaned
):
    # lockout stores a digest of the name in a FailedLogins row: listened to
    # here, so that its values are kept and shown.
    from lockout.models import FailedLogins

    listening_to(pre_init, post_init, pre_save, post_save, sender=FailedLogins)
    client = Client(enforce_csrf_checks=True)
    page = client.get(LOGIN_URL)
    csrf_form_token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text
    )[1]
    response = client.post(
        LOGIN_URL,
        {
            "username": typed,
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf_form_token,
        },
    )
    assert response.status_code == 200  # the form again, with its error

    request_id, stats = last_stats(toolbar)
    names = [s["name"] for s in stats["sends"]]
    assert "user_login_failed" in names
    # lockout counted the failure: a FailedLogins row was built for the name,
    # and saved, its values shown with the name's digest masked too.
    saved = next(
        s
        for s in stats["sends"]
        if (s["name"], s["sender"]) == ("pre_save", "lockout.FailedLogins")
    )
    assert saved["kwargs"]["instance"].startswith("<FailedLogins pk=")
    built = next(
        s
        for s in stats["sends"]
        if (s["name"], s["sender"]) == ("pre_init", "lockout.FailedLogins")
    )
    assert "'username_digest': '********************'" in built["kwargs"]["kwargs"]
    html = rendered_panel(client, request_id)
    assert "user_login_failed" in html
    shown = json.dumps(stats) + html
    for name, secret in {
        "typed user name": typed,
        "typed user name, stripped": typed.strip(),
        "typed user name, as the form cleans it": cleaned,
        "password": PASSWORD,
        "password hash": alice.password,
        "csrf cookie": client.cookies["csrftoken"].value,
        "csrf form token": csrf_form_token,
    }.items():
        assert secret not in shown, f"the {name} is shown"
        assert json.dumps(secret)[1:-1] not in shown, f"the {name} is shown"


def test_toolbar_shows_the_panel_with_its_count(toolbar, alice_client, post):
    response = alice_client.get("/")
    _, stats = last_stats(toolbar)
    count = len(stats["sends"])
    assert count > 0
    assert 'id="djdt-SignalsSentPanel"' in response.text
    assert f"{count} signals sent" in response.text


def test_builtin_signals_panel_lists_user_login_and_bars_receiver(toolbar, client):
    client.get(LOGIN_URL)
    request_id, _ = last_stats(toolbar, "SignalsPanel")
    html = rendered_panel(client, request_id, "SignalsPanel")
    rows = dict(re.findall(r"<td>([^<]+)</td>\s*<td>([^<]*)</td>", html))
    assert rows["user_login"] == "record_login, alert_new_login"
    assert "report_logged_in" in rows["user_logged_in"]
    assert "report_logged_out" in rows["user_logged_out"]
    assert "report_login_failed" in rows["user_login_failed"]


def test_dispatcher_is_instrumented_during_the_request_and_restored_after(
    toolbar, alice
):
    before = dispatcher_state()
    seen = []

    def spy(sender, **kwargs):
        seen.append(Signal.__dict__["send_robust"])

    user_login.connect(spy, weak=False)
    try:
        Client().post(LOGIN_URL, {"username": "alice", "password": PASSWORD})
    finally:
        user_login.disconnect(spy)

    (during,) = seen
    assert during is not before["class"]["send_robust"]  # it was wrapped
    assert dispatcher_state() == before


def test_dispatcher_is_restored_when_the_view_raised(toolbar):
    before = dispatcher_state()
    client = Client(raise_request_exception=False)

    response = client.get("/test-only/failing-view/")

    assert response.status_code == 500
    assert dispatcher_state() == before
    _, stats = last_stats(toolbar)
    names = [s["name"] for s in stats["sends"]]
    assert names[0] == "pre_save"
    assert "got_request_exception" in names


def test_sends_that_call_no_receiver_are_shown_counted_in_one_row(
    toolbar, alice_client, post, comment
):
    # The post's page builds the post, its comment, their authors: nobody
    # listens to pre_init for a user, blog listens to post_init for its models.
    response = alice_client.get(post.get_absolute_url())
    assert response.status_code == 200
    request_id, stats = last_stats(toolbar)
    sends = stats["sends"]
    grouped = [(s["name"], s["sender"]) for s in sends if s["grouped"]]
    assert ("pre_init", "auth.User") in grouped
    assert all(not s["kwargs"] for s in sends if s["grouped"])
    described = [(s["name"], s["sender"]) for s in sends if not s["grouped"]]
    assert ("post_init", "blog.Post") in described
    assert ("post_init", "blog.Comment") in described
    html = rendered_panel(alice_client, request_id)
    assert "pre_init &times;1\n" in html
    assert "\nauth.User\n" in html or "<code>auth.User\n" in html
    assert "not kept: no receiver was called" in html
    # The toolbar's tab counts every send, the counted ones included.
    assert stats["count"] == sum(s["count"] for s in sends) > len(sends) - len(grouped)
    assert f"{stats['count']} signals sent" in response.text


def test_a_comment_post_shows_the_comment_before_and_after_its_save(
    toolbar, alice_client, post
):
    # Chapter 12: blog listens to pre_save and post_save for Comment.
    alice_client.post(f"/posts/{post.slug}/comments/", {"body": "Thanks, it helped."})
    _, stats = last_stats(toolbar)
    saves = {
        s["name"]: s
        for s in stats["sends"]
        if s["sender"] == "blog.Comment" and s["name"] in {"pre_save", "post_save"}
    }
    comment = post.comments.get()
    assert saves["pre_save"]["grouped"] is False
    assert saves["pre_save"]["kwargs"]["instance"] == "<Comment pk=None>"
    assert saves["post_save"]["kwargs"]["instance"] == f"<Comment pk={comment.pk}>"
    assert saves["post_save"]["kwargs"]["created"] == "True"


def test_rows_of_the_panel_group_the_counted_sends_in_their_place():
    send = {"grouped": False, "depth": 0, "count": 1}
    sends = [
        {**send, "order": 1, "grouped": True},
        {**send, "order": 2, "grouped": True},
        {**send, "order": 3},
        {**send, "order": 4, "grouped": True, "depth": 1},
        {**send, "order": 5, "grouped": True},
    ]
    rows = table_rows(sends)
    assert [(row.get("first"), row.get("last"), row["depth"]) for row in rows] == [
        (1, 2, 0),
        (None, None, 0),
        (4, 4, 1),
        (5, 5, 0),
    ]
    assert [len(row.get("grouped", [])) for row in rows] == [2, 0, 1, 1]


def test_signal_watch_imports_none_of_the_tutorial_apps():
    imported = set()
    for module in Path(signal_watch.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module)
    top_level = {name.split(".")[0] for name in imported}
    assert {"django", "debug_toolbar"} <= top_level
    assert not top_level & {"foo", "bar", "blog", "lockout", "notify", "tests"}


def settings_in_a_new_process(**env):
    """INSTALLED_APPS and MIDDLEWARE as `manage.py runserver` would see them."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k != "PYTEST_VERSION"
    }
    script = (
        "import django, os; "
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tutorial_site.settings'); "
        "django.setup(); from django.conf import settings; "
        "print('debug_toolbar' in settings.INSTALLED_APPS, "
        "'debug_toolbar.middleware.DebugToolbarMiddleware' in settings.MIDDLEWARE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parent.parent,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_toolbar_is_on_in_development_and_off_when_debug_is_off():
    assert settings_in_a_new_process() == "True True"
    assert settings_in_a_new_process(PYTEST_VERSION="9") == "False False"
    off = settings_in_a_new_process(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="k" * 50)
    assert off == "False False"


def test_toolbar_changes_nothing_the_receivers_log(settings, post, comment, signal_log):
    def visit(expect_toolbar):
        start = len(signal_log())
        client = Client()
        client.force_login(post.author)
        for url in ["/", post.get_absolute_url()]:
            response = client.get(url)
            assert response.status_code == 200
            assert ("djDebug" in response.text) is expect_toolbar
        return signal_log()[start:]

    without_toolbar = visit(expect_toolbar=False)
    turn_on_toolbar(settings)
    with_toolbar = visit(expect_toolbar=True)

    assert any("pre_init during this request" in line for line in without_toolbar)
    assert with_toolbar == without_toolbar


def test_toolbar_stays_off_the_tutorial(toolbar, settings, tmp_path, db):
    # The tutorial is built files: the toolbar neither runs nor shows there.
    (tmp_path / "index.html").write_text("<html><body><h1>Tutorial</h1></body></html>")
    settings.TUTORIAL_SITE_DIR = tmp_path
    client = Client()

    response = client.get("/tutorial/")
    page = b"".join(response.streaming_content).decode()
    response.close()
    assert "<h1>Tutorial</h1>" in page and "djDebug" not in page
    assert list(toolbar.request_ids()) == []

    response = client.get("/accounts/login/")
    assert "djDebug" in response.text
    assert len(list(toolbar.request_ids())) == 1
