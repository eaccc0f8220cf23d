"""The capture helper itself: it records, filters by sender, and always disconnects."""

from pathlib import Path

import pytest
from django.dispatch import Signal

from tests.signal_capture import capture_signal


class Sender:
    pass


class OtherSender:
    pass


def test_records_each_send_with_sender_and_arguments():
    ping = Signal()
    with capture_signal(ping) as calls:
        ping.send(sender=Sender, size=3)
        ping.send(sender=OtherSender, size=4)
    assert [(c.signal, c.sender, c.kwargs) for c in calls] == [
        (ping, Sender, {"size": 3}),
        (ping, OtherSender, {"size": 4}),
    ]


def test_sender_filter_records_only_that_sender():
    ping = Signal()
    with capture_signal(ping, sender=Sender) as calls:
        ping.send(sender=OtherSender)
        ping.send(sender=Sender)
    assert [c.sender for c in calls] == [Sender]


def test_records_nothing_when_nothing_is_sent():
    ping = Signal()
    with capture_signal(ping) as calls:
        pass
    assert calls == []


def test_disconnects_after_the_block():
    ping = Signal()
    with capture_signal(ping) as calls:
        assert ping.has_listeners()
    ping.send(sender=Sender)
    assert not ping.has_listeners()
    assert calls == []


def test_disconnects_even_when_the_block_raises():
    ping = Signal()
    with pytest.raises(AssertionError), capture_signal(ping):
        raise AssertionError("a failing assertion inside the block")
    assert not ping.has_listeners()


def test_chapter_3_project_has_the_same_helper():
    # Chapters 3 and 11 both show tests/signal_capture.py: one helper, not two
    # that record differently under the same name.
    root = Path(__file__).resolve().parent.parent
    starter_copy = root / "starter" / "tests" / "signal_capture.py"
    assert (
        starter_copy.read_text() == (root / "tests" / "signal_capture.py").read_text()
    )
