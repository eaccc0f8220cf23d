"""Time what recording costs: python -m signal_watch.timing

Compares one Signal.send to a single no-op receiver in three states: never
instrumented, recording in this thread, and after the recording stopped. Like
the toolbar, which starts a recording for each request, every timing of the
recording state is one recording of SENDS_PER_RECORDING sends. The states take
turns, so that a noisy machine affects each alike; medians are printed.
"""

import os
import statistics
import timeit

import django

SENDS_PER_RECORDING = 1_000  # a large request; the demo's pages send 14 to 40


def main(rounds=300):
    """Print the three timings; Django must be set up already."""
    from django.dispatch import Signal

    from signal_watch.panels import SignalRecorder

    signal = Signal()

    def receiver(sender, **kwargs):
        return None

    signal.connect(receiver)

    class Sender:
        pass

    def send():
        signal.send(sender=Sender, value=42)

    n = SENDS_PER_RECORDING
    recorder = SignalRecorder()
    results = {"bare": [], "recording": [], "stopped": []}
    for _ in range(rounds):
        results["bare"].append(timeit.timeit(send, number=n))
        recorder.start()
        results["recording"].append(timeit.timeit(send, number=n))
        recorder.stop()
        recorded = len(recorder.records)
        recorder.clear()
        timeit.timeit(send, number=n // 5)  # untimed: Python re-specialises the call
        results["stopped"].append(timeit.timeit(send, number=n))
    bare, recording, stopped = (
        statistics.median(results[state]) / n * 1e9
        for state in ("bare", "recording", "stopped")
    )
    print(f"bare Signal.send, 1 receiver: {bare:8.0f} ns")
    print(
        f"while recording:              {recording:8.0f} ns ({recording / bare:.2f}x)"
    )
    print(f"after stop():                 {stopped:8.0f} ns ({stopped / bare:.2f}x)")
    print(f"sends recorded per recording: {recorded}")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutorial_site.settings")
    django.setup()
    main()
