"""The "Signals sent" toolbar panel: what it records, what it hides, what it leaves."""

import ast
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.dispatch import Signal
from django.test import Client

from foo.signals import user_login
from signal_watch import panels
from signal_watch.panels import SEND_METHODS, SignalRecorder, SignalsSentPanel
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


def dispatcher_state():
    """What a signal's send methods resolve to, on the class and on instances."""
    return {
        "class": {name: Signal.__dict__[name] for name in SEND_METHODS},
        "instances": [
            {name: getattr(signal, name).__func__ for name in SEND_METHODS}
            for signal in (user_login, pre_save, post_save)
        ],
        "instance attributes": [
            set(vars(signal)) & set(SEND_METHODS)
            for signal in (user_login, pre_save, post_save)
        ],
    }


def turn_on_toolbar(settings):
    settings.DEBUG = True
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "debug_toolbar"]
    settings.MIDDLEWARE = [
        "debug_toolbar.middleware.DebugToolbarMiddleware",
        *settings.MIDDLEWARE,
    ]
    settings.ROOT_URLCONF = "tests.toolbar_urls"


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


def test_login_records_the_signals_it_sent_in_order(toolbar, alice):
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

    # The model signals each of them caused come right after it, one level deeper.
    def caused_by(parent):
        index = sends.index(parent) + 1
        children = []
        while index < len(sends) and sends[index]["depth"] > parent["depth"]:
            children.append(sends[index])
            index += 1
        return [(s["name"], s["sender"], s["kwargs"].get("instance")) for s in children]

    assert caused_by(logged_in) == [
        ("pre_save", "auth.User", "<User: 'alice'>"),
        ("post_save", "auth.User", "<User: 'alice'>"),
    ]
    record_id = alice.login_records.get().pk
    assert caused_by(login) == [
        ("pre_init", "bar.LoginRecord", None),
        ("post_init", "bar.LoginRecord", "<LoginRecord pk=None>"),
        ("pre_save", "bar.LoginRecord", "<LoginRecord pk=None>"),
        ("post_save", "bar.LoginRecord", f"<LoginRecord pk={record_id}>"),
    ]
    pre_init = next(s for s in sends if s["sender"] == "bar.LoginRecord")
    assert pre_init["kwargs"] == {
        "args": "()",
        "kwargs": "{'user': <User: 'alice'>, 'remote_addr': '127.0.0.1'}",
    }
    save = next(
        s
        for s in sends
        if s["name"] == "post_save" and s["sender"] == "bar.LoginRecord"
    )
    assert save["kwargs"]["created"] == "True"
    assert all(s["duration_ms"] >= 0 for s in sends)
    assert login["duration_ms"] >= save["duration_ms"]

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
        "credentials": "{'username': 'alice', 'password': '********************'}",
        "request": "<WSGIRequest: POST '/accounts/login/'>",
    }
    assert "wrong-password-1" not in json.dumps(stats)


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


def test_send_that_raises_is_recorded_and_the_dispatcher_restored():
    before = dispatcher_state()
    signal = Signal()

    def broken(sender, **kwargs):
        raise ValueError("receiver failed")

    signal.connect(broken, weak=False)
    recorder = SignalRecorder()
    with pytest.raises(ValueError), recorder:
        signal.send(sender=None)
    (record,) = recorder.records
    assert (record.receivers, record.raised) == (None, "ValueError")
    assert dispatcher_state() == before

    recorder.clear()
    with recorder:
        responses = signal.send_robust(sender=None)
    (record,) = recorder.records
    assert (record.receivers, record.errors, record.raised) == (1, 1, None)
    assert len(responses) == 1
    assert dispatcher_state() == before


def test_records_read_inside_a_receiver_hold_the_sends_already_finished():
    outer, inner = Signal(), Signal()
    recorder = SignalRecorder()
    seen = []

    def read_records(sender, **kwargs):
        inner.send(sender="inner")
        seen.append([(r.sender, r.depth) for r in recorder.records])

    outer.connect(read_records, weak=False)
    with recorder:
        outer.send(sender="first")
        outer.send(sender="second")

    # While "second" runs: "first" and its nested send are done, so is the
    # nested send of "second"; "second" itself is not there yet.
    assert seen[1] == [("'first'", 0), ("'inner'", 1), ("'inner'", 0)]
    # Afterwards every send is there, in the order they started.
    assert [(r.order, r.sender, r.depth) for r in recorder.records] == [
        (1, "'first'", 0),
        (2, "'inner'", 1),
        (3, "'second'", 0),
        (4, "'inner'", 1),
    ]


def test_start_and_stop_are_idempotent():
    before = dispatcher_state()
    recorder = SignalRecorder()
    recorder.start()
    recorder.start()
    assert Signal.__dict__["send"] is not before["class"]["send"]
    recorder.stop()
    assert dispatcher_state() == before
    recorder.stop()
    assert dispatcher_state() == before


def test_only_the_recording_thread_is_recorded_and_the_last_stop_restores():
    before = dispatcher_state()
    signal = Signal()
    signal.connect(lambda sender, **kwargs: None, weak=False)
    main = SignalRecorder()
    main.start()
    other_started, main_stopped, other_done = (threading.Event() for _ in range(3))
    other = SignalRecorder()
    unrecorded_send = []

    def other_thread():
        signal.send(sender="thread, not recording")
        unrecorded_send.append(True)
        other.start()
        other_started.set()
        main_stopped.wait(5)
        # main stopped, but this thread still records: still instrumented.
        signal.send(sender="other thread")
        other.stop()
        other_done.set()

    thread = threading.Thread(target=other_thread)
    thread.start()
    other_started.wait(5)
    signal.send(sender="main thread")
    main.stop()
    main_stopped.set()
    other_done.wait(5)
    thread.join(5)

    assert unrecorded_send == [True]
    assert [r.sender for r in main.records] == ["'main thread'"]
    assert [r.sender for r in other.records] == ["'other thread'"]
    assert dispatcher_state() == before


def test_async_sends_are_recorded_with_their_method():
    signal = Signal()

    async def receiver(sender, **kwargs):
        return "done"

    signal.connect(receiver, weak=False)

    async def send_both():
        await signal.asend(sender=None, number=1)
        await signal.asend_robust(sender=None, number=2)

    with SignalRecorder() as recorder:
        async_to_sync(send_both)()
    assert [(r.method, r.kwargs, r.receivers) for r in recorder.records] == [
        ("asend", {"number": "1"}, 1),
        ("asend_robust", {"number": "2"}, 1),
    ]


def test_nav_subtitle_counts_sends():
    class FakeToolbar:
        stats = {}
        request_id = "x"
        store = type("Store", (), {"save_panel": staticmethod(lambda *a: None)})

    panel = SignalsSentPanel(FakeToolbar(), lambda request: None)
    panel.record_stats({"sends": [{}]})
    assert panel.nav_subtitle == "1 signal sent"
    panel.record_stats({"sends": [{}] * 7})
    assert panel.nav_subtitle == "7 signals sent"


def test_panel_module_imports_none_of_the_tutorial_apps():
    source = Path(panels.__file__).read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    top_level = {name.split(".")[0] for name in imported}
    assert {"django", "debug_toolbar"} <= top_level
    assert not top_level & {"foo", "bar", "blog", "tests"}


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
        "settings.MIDDLEWARE[0] == 'debug_toolbar.middleware.DebugToolbarMiddleware')"
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


def test_recorder_used_directly_records_a_login(client, alice):
    # --8<-- [start:recorder-usage]
    with SignalRecorder() as recorder:
        client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD})
    names = [send.name for send in recorder.records]
    assert names.index("user_logged_in") < names.index("user_login")
    # --8<-- [end:recorder-usage]
    assert "user_login_failed" not in names
    # Started around the whole request, the recorder also sees what the
    # toolbar's middleware cannot: the handler's own request signals.
    assert names[0] == "request_started"
    assert names[-1] == "request_finished"


STARS = "'********************'"


def test_arguments_with_a_sensitive_name_are_masked():
    from django.test import RequestFactory

    request = RequestFactory().post("/reset/?token=abc123secret", {"x": "1"})
    request.COOKIES["sessionid"] = "cookie-session-key-123"
    described = panels.describe_kwargs(
        None,
        {
            "password": "hunter2-password",
            "api_key": "key-123456",
            "auth_token": "tok-123456",
            "client_secret": "shh-123456",
            "session_key": "sess-123456",
            "csrf_token": "csrf-123456",
            "nested": {"user": "alice", "password": "nested-password"},
            "request": request,
            "username": "alice",
        },
    )
    assert described == {
        "password": STARS,
        "api_key": STARS,
        "auth_token": STARS,
        "client_secret": STARS,
        "session_key": STARS,
        "csrf_token": STARS,
        "nested": f"{{'user': 'alice', 'password': {STARS}}}",
        "request": "<WSGIRequest: POST '/reset/'>",
        "username": "'alice'",
    }


def test_setting_changed_masks_the_value_of_a_secret_setting():
    assert panels.describe_kwargs(
        None, {"setting": "SECRET_KEY", "value": "s3cr3t-value", "enter": True}
    ) == {"setting": "'SECRET_KEY'", "value": STARS, "enter": "True"}
    assert panels.describe_kwargs(None, {"setting": "DEBUG", "value": True}) == {
        "setting": "'DEBUG'",
        "value": "True",
    }


def test_values_are_described_without_running_their_code(
    django_assert_num_queries, post
):
    from blog.models import Post

    class Secretive:
        def __repr__(self):
            raise AssertionError("repr() of an unknown object must not be called")

    with django_assert_num_queries(0):
        described = panels.describe_kwargs(
            Post,
            {
                "origin": Post.objects.all(),
                "instance": post,
                "other": Secretive(),
                "long": "x" * 500,
                "pk_set": {3, 1, 2},
            },
        )
    assert described["origin"] == "<QuerySet of blog.Post>"
    assert described["instance"] == f"<Post pk={post.pk}>"
    assert described["other"].endswith("Secretive object>")
    assert len(described["long"]) < 80 and "..." in described["long"]
    assert described["pk_set"] == "{1, 2, 3}"


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


def test_timing_script_prints_the_three_states_and_restores_the_dispatcher(capsys):
    from signal_watch import timing

    before = dispatcher_state()
    timing.main(rounds=2)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "bare Signal.send, 1 receiver",
        "while recording",
        "after stop()",
        "sends recorded per recording",
    ]
    assert lines[-1] == f"sends recorded per recording: {timing.SENDS_PER_RECORDING}"
    assert dispatcher_state() == before
