"""Record what a signal sends, for tests.

    with capture_signal(some_signal) as calls:
        ...  # the code that should send it
    assert len(calls) == 1
    assert calls[0].sender is SomeSender
    assert calls[0].kwargs["user"] == alice

The temporary receiver is disconnected when the block ends, even when an
assertion inside the block fails, so one failing test cannot leave a receiver
behind that changes what the next tests see.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SignalCall:
    """One send: the signal, its sender and the other keyword arguments it carried."""

    signal: Any
    sender: Any
    kwargs: dict[str, Any] = field(default_factory=dict)


@contextmanager
def capture_signal(signal, sender=None):
    """Connect a recording receiver to ``signal`` for the duration of the block.

    ``sender`` filters like ``Signal.connect(sender=...)``: only sends from it
    are recorded. Yields the list of SignalCall, filled in as sends happen.
    """
    calls = []

    def record(signal, sender, **kwargs):
        calls.append(SignalCall(signal=signal, sender=sender, kwargs=kwargs))

    # A closure connected weakly dies with its last strong reference. Here this
    # generator's frame holds one until the block ends, but weak=False makes the
    # lifetime explicit: the disconnect() in `finally` is what ends it.
    signal.connect(record, sender=sender, weak=False)
    try:
        yield calls
    finally:
        signal.disconnect(record, sender=sender)
