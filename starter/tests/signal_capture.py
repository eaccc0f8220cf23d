"""Record what a signal sends, for tests."""

from contextlib import contextmanager


@contextmanager
def capture_signal(signal, sender=None):
    """Yield a list that receives one dict per send of ``signal``.

    Each dict holds the keyword arguments the receivers got: ``signal``,
    ``sender`` and whatever the sender passed. ``sender`` filters as in
    ``Signal.connect()``. The recording receiver is disconnected when the block
    ends, even when an assertion inside it fails.
    """
    calls = []

    def record(**kwargs):
        calls.append(kwargs)

    # weak=False: the signal itself keeps `record` alive until the disconnect()
    # below, instead of relying on this function's frame to hold on to it.
    signal.connect(record, sender=sender, weak=False)
    try:
        yield calls
    finally:
        signal.disconnect(record, sender=sender)
