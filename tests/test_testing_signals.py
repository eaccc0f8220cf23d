"""Chapter 11: patterns for testing code that sends or receives signals."""

# --8<-- [start:imports]
import gc
import re
import subprocess
import sys
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import Signal

from bar.models import LoginRecord
from bar.signals import record_login
from blog.models import Comment
from foo.signals import user_login
from tests.conftest import PASSWORD
from tests.signal_capture import capture_signal

# --8<-- [end:imports]
pytestmark = pytest.mark.django_db


# --8<-- [start:helper_is_exception_safe]
def test_capture_signal_disconnects_even_when_the_block_fails():
    receivers_before = len(user_login.receivers)
    with pytest.raises(AssertionError), capture_signal(user_login):
        assert len(user_login.receivers) == receivers_before + 1
        raise AssertionError("a failing assertion inside the block")
    assert len(user_login.receivers) == receivers_before


# --8<-- [end:helper_is_exception_safe]
# --8<-- [start:helper_pitfalls]
@contextmanager
def capture_without_finally(signal, weak=True):
    calls = []

    def record(sender, **kwargs):
        calls.append(sender)

    signal.connect(record, weak=weak)
    yield calls
    signal.disconnect(record)  # skipped when the block raises


def test_the_generators_frame_keeps_a_weakly_connected_closure_alive():
    ping = Signal()
    with capture_without_finally(ping, weak=True) as calls:
        gc.collect()
        ping.send(sender="inside the block")
    assert calls == ["inside the block"]


def test_without_finally_a_failing_block_leaves_its_receiver_connected():
    ping = Signal()
    with (
        pytest.raises(AssertionError),
        capture_without_finally(ping, weak=False) as calls,
    ):
        raise AssertionError("a failing assertion inside the block")

    # contextmanager() raised the error at the `yield`, so the disconnect never
    # ran: the receiver goes on recording every later send.
    ping.send(sender="a later test")
    assert calls == ["a later test"]

    # Connected weakly, it would have died with the generator's frame instead.
    with (
        pytest.raises(AssertionError),
        capture_without_finally(ping, weak=True) as weak_calls,
    ):
        raise AssertionError("a failing assertion inside the block")
    gc.collect()
    ping.send(sender="another test")
    assert weak_calls == []
    assert calls == ["a later test", "another test"]


# --8<-- [end:helper_pitfalls]
NO_PLUGINS = ["-p", "no:django", "-p", "no:hypothesispytest", "-p", "no:cacheprovider"]
FAILING_TESTS = """
import pytest
from django.dispatch import Signal

ping = Signal()


def record(sender, **kwargs):
    pass


@pytest.fixture
def recording():
    ping.connect(record)
    yield
    ping.disconnect(record)


def test_fails_while_the_fixture_is_connected(recording):
    assert False


def test_next_after_the_fixture():
    assert not ping.has_listeners()


def test_fails_after_connecting_by_hand():
    ping.connect(record)
    assert False
    ping.disconnect(record)


def test_next_after_connecting_by_hand():
    assert ping.has_listeners()
"""


def test_a_yield_fixture_disconnects_after_a_failing_test_a_test_body_does_not(
    tmp_path,
):
    (tmp_path / "test_inner.py").write_text(FAILING_TESTS)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "test_inner.py", *NO_PLUGINS],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    outcomes = dict(re.findall(r"::(\w+) (PASSED|FAILED)", result.stdout))
    assert outcomes == {
        "test_fails_while_the_fixture_is_connected": "FAILED",
        # pytest ran the fixture's teardown although the test failed...
        "test_next_after_the_fixture": "PASSED",
        "test_fails_after_connecting_by_hand": "FAILED",
        # ...but a disconnect at the end of a test body never ran.
        "test_next_after_connecting_by_hand": "PASSED",
    }, result.stdout


# --8<-- [start:mute]
@contextmanager
def muted(signal, receiver, dispatch_uid=None, sender=None):
    """Disconnect one receiver for the block, and connect it back afterwards."""
    found = signal.disconnect(receiver, sender=sender, dispatch_uid=dispatch_uid)
    assert found, "nothing to mute: the receiver was not connected"
    try:
        yield
    finally:
        signal.connect(receiver, sender=sender, dispatch_uid=dispatch_uid)


def test_login_without_bars_receiver_creates_no_record(client, alice):
    with (
        muted(user_login, record_login, dispatch_uid="bar.record_login"),
        capture_signal(user_login) as calls,
    ):
        client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    assert len(calls) == 1  # the signal still went out...
    assert not LoginRecord.objects.exists()  # ...but bar was not listening


def test_patching_the_module_attribute_does_not_mute_the_receiver(client, alice):
    # The signal keeps a reference to the function object itself.
    with mock.patch("bar.signals.record_login") as fake:
        client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert not fake.called
    assert LoginRecord.objects.count() == 1


def test_muting_left_bars_receiver_connected_exactly_once():
    keys = [key for key, *_ in user_login.receivers if key[0] == "bar.record_login"]
    assert len(keys) == 1


# --8<-- [end:mute]
# --8<-- [start:on_commit]
NOTIFIED = []


def notify_on_commit(sender, instance, created, **kwargs):
    # The pattern of chapter 10: do slow work once the comment is committed.
    if created:
        transaction.on_commit(lambda: NOTIFIED.append(instance.pk))


@pytest.fixture
def notifier():
    NOTIFIED.clear()
    post_save.connect(notify_on_commit, sender=Comment)
    yield NOTIFIED
    post_save.disconnect(notify_on_commit, sender=Comment)


def test_callback_waits_for_the_commit(post, bob, notifier):
    # pytest-django runs each test in a transaction that is rolled back, never
    # committed: on its own, the callback would never run.
    Comment.objects.create(post=post, author=bob, body="Hi")
    assert notifier == []


def test_capture_on_commit_callbacks_runs_them(
    post, bob, notifier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        comment = Comment.objects.create(post=post, author=bob, body="Hi")
        assert notifier == []  # still inside the "transaction"

    # Every callback the block registered: ours, and notify's (chapter 10).
    assert len(callbacks) == 2
    assert notifier == [comment.pk]


def test_updating_a_comment_schedules_nothing(
    comment, notifier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        comment.body = "Edited"
        comment.save()
    assert callbacks == []


# --8<-- [end:on_commit]
