"""Micro-benchmarks: what one Signal.send costs, in nanoseconds per send.

Synchronous cases time the same statement shape with timeit (garbage collection
off), so the direct function call is a fair floor for them. Asynchronous cases
time a loop of awaits inside one running event loop.
"""

import asyncio
import statistics
import time
import timeit
from typing import NamedTuple

from django.dispatch import Signal

try:
    # The "signals sent" recorder behind the project's debug-toolbar panel.
    from signal_watch.recording import SignalRecorder
except ImportError:
    SignalRecorder = None


class Sender:
    """Plays the model class a model signal is sent for."""


class Instance:
    """Plays the instance a model signal carries."""


def make_receiver():
    # A new function each time: a signal connects one receiver per function.
    def receiver(signal, sender, **kwargs):
        return None

    return receiver


def make_async_receiver():
    async def receiver(signal, sender, **kwargs):
        return None

    return receiver


def signal_with(count, *, use_caching=False, receiver_factory=None):
    signal = Signal(use_caching=use_caching)
    for _ in range(count):
        signal.connect((receiver_factory or make_receiver)(), weak=False)
    return signal


def filtered_signal(use_caching):
    """10 receivers, each for another sender class; a send from one runs one."""
    signal = Signal(use_caching=use_caching)
    senders = [type(f"Sender{i}", (), {}) for i in range(10)]
    for sender in senders:
        signal.connect(make_receiver(), sender=sender, weak=False)
    return signal, senders[0]


def calibrate(run, min_seconds):
    """How many executions make one timing of ``run`` last at least min_seconds."""
    number = 1
    while (elapsed := run(number)) < min_seconds:
        # Aim a little past min_seconds, growing at most 10x per step.
        number = max(
            number + 1,
            min(number * 10, int(number * min_seconds * 1.2 / max(elapsed, 1e-9))),
        )
    return number


def statement_runner(stmt, namespace):
    """run(number) -> seconds for ``number`` executions of ``stmt`` (timeit, GC off)."""
    return timeit.Timer(stmt, globals=namespace).timeit


def coroutine_runner(make_awaitable):
    """run(number) -> seconds for ``number`` awaits, inside one event loop."""

    async def awaits(number):
        start = time.perf_counter()
        for _ in range(number):
            await make_awaitable()
        return time.perf_counter() - start

    return lambda number: asyncio.run(awaits(number))


def measure(cases, *, repeats, min_seconds):
    """Time every case ``repeats`` times, round-robin, so that a slow moment of a
    shared machine spreads over all cases instead of skewing one."""
    numbers = [calibrate(case["run"], min_seconds) for case in cases]
    samples = [[] for _ in cases]
    for _ in range(repeats):
        for case, number, sample in zip(cases, numbers, samples, strict=True):
            sample.append(case["run"](number) / number * 1e9)
    return [
        {
            "id": case["id"],
            "label": case["label"],
            "ns_per_op": statistics.median(sample),
            "min_ns": min(sample),
            "max_ns": max(sample),
            "repeats": len(sample),
        }
        for case, sample in zip(cases, samples, strict=True)
    ]


SEND = "signal.send(sender=Sender, instance=instance, created=True)"


def micro_cases():
    instance = Instance()
    base = {"Sender": Sender, "instance": instance, "receiver": make_receiver()}

    def sync_case(case_id, label, stmt, **names):
        return {
            "id": case_id,
            "label": label,
            "run": statement_runner(stmt, base | names),
        }

    def async_case(case_id, label, signal):
        return {
            "id": case_id,
            "label": label,
            "run": coroutine_runner(
                lambda: signal.asend(sender=Sender, instance=instance, created=True)
            ),
        }

    cases = [
        sync_case(
            "direct_call",
            "direct function call (the floor)",
            "receiver(signal=signal, sender=Sender, instance=instance, created=True)",
            signal=None,
        )
    ]
    for count in (0, 1, 10, 100):
        cases.append(
            sync_case(
                f"send_{count}",
                f"send, {count} receiver{'' if count == 1 else 's'}",
                SEND,
                signal=signal_with(count),
            )
        )
    for use_caching in (False, True):
        signal, sender = filtered_signal(use_caching)
        cases.append(
            sync_case(
                "send_filtered_cached" if use_caching else "send_filtered",
                "send, 10 receivers for 10 senders, 1 runs"
                + (", use_caching=True" if use_caching else ""),
                SEND,
                signal=signal,
                Sender=sender,
            )
        )
    cases += [
        sync_case(
            "send_robust_1",
            "send_robust, 1 receiver",
            "signal.send_robust(sender=Sender, instance=instance, created=True)",
            signal=signal_with(1),
        ),
        sync_case(
            "send_async_receiver_1",
            "send from sync code, 1 async receiver",
            SEND,
            signal=signal_with(1, receiver_factory=make_async_receiver),
        ),
        async_case("asend_sync_receiver_1", "asend, 1 sync receiver", signal_with(1)),
        async_case(
            "asend_async_receiver_1",
            "asend, 1 async receiver",
            signal_with(1, receiver_factory=make_async_receiver),
        ),
    ]
    return cases, base


# The least a recorder must do for each send it lists with the panel's
# columns (its signal, sender, arguments and time), timed one by one on the
# send_1 case: finding its recording, reading the clock before and after, and
# keeping the signal, the sender and the two arguments without keeping them
# alive. Keeping is timed on a copy of the arguments, the copy taken off.
RECORDER_PARTS = {
    "find": ("finding the recording (a ContextVar)", "journal()"),
    "clock": ("reading the clock before and after", "clock(); clock()"),
    "refs": (
        "weak references to the signal and the sender",
        "ref(signal); ref(Sender)",
    ),
    "arguments": (
        "keeping instance= and created= (a weak reference, a bool)",
        # describing.keep_named(), the plain way (the wrapper also caches keepers).
        "kept = named.copy()\n"
        "for key, value in kept.items():\n"
        "    keeper = keepers[type(value)]\n"
        "    if keeper is not None:\n"
        "        kept[key] = keeper(value)",
    ),
}


def recorder_parts(namespace):
    """RECORDER_PARTS timed, round-robin, in nanoseconds per send."""
    from contextvars import ContextVar
    from time import perf_counter_ns
    from weakref import ref

    from signal_watch.describing import KEEPERS

    journal = ContextVar("journal")
    journal.set(object())
    namespace = namespace | {
        "journal": journal.get,
        "clock": perf_counter_ns,
        "ref": ref,
        "keepers": KEEPERS,
        "named": {"instance": namespace["instance"], "created": True},
    }
    cases = [
        {"id": part, "label": label, "run": statement_runner(statement, namespace)}
        for part, (label, statement) in RECORDER_PARTS.items()
    ]
    cases.append(
        {
            "id": "copy",
            "label": "",
            "run": statement_runner("kept = named.copy()", namespace),
        }
    )
    timed = {case["id"]: case for case in measure(cases, repeats=15, min_seconds=0.02)}
    copy = timed.pop("copy")["ns_per_op"]
    timed["arguments"]["ns_per_op"] -= copy
    return list(timed.values())


class RecorderPlan(NamedTuple):
    """How the "signals sent" recorder is timed."""

    rounds: (
        int  # recordings timed per kind, each beside two bare and one stopped timing
    )
    recording_sends: int  # operations per recording; the demo's requests send 14 to 40
    long_recording_sends: int  # one recording kept much longer, for contrast
    long_repeats: int


QUICK_RECORDER_PLAN = RecorderPlan(100, 1_000, 100_000, 3)

# What the recorder is timed on, each against itself with no recorder: a send
# that finds no receiver (most sends: pre_init and post_init of every instance),
# a send to one receiver, and building a model instance (two such sends).
RECORDED_KINDS = {
    "send_0": ("send, no receiver", SEND, {"signal": "no receiver"}),
    "send_1": ("send, 1 receiver", SEND, {"signal": "one receiver"}),
    "model": ("building a model instance", "Group(name='editors')", {}),
}
# The target of each, while recording.
RECORDER_TARGETS = {"send_0": 1.5, "send_1": 1.2, "model": 1.3}


def run_micro(*, repeats, min_seconds, recorder_plan=QUICK_RECORDER_PLAN):
    """All the micro cases, then the recorder's; returns (cases, recorder section)."""
    cases, base = micro_cases()
    results = measure(cases, repeats=repeats, min_seconds=min_seconds)
    return results, run_recorder(base, recorder_plan)


def summary(case_id, label, sample):
    return {
        "id": case_id,
        "label": label,
        "ns_per_op": statistics.median(sample),
        "min_ns": min(sample),
        "max_ns": max(sample),
        "repeats": len(sample),
    }


def run_recorder(base, plan):
    """The toolbar panel's recorder: none, stopped and active, measured together.

    The panel records one request at a time, so each active timing is one
    recording of plan.recording_sends operations, started before and stopped
    after, as the toolbar does around a request. A few much longer recordings
    of one-receiver sends follow, for contrast.
    """
    if SignalRecorder is None:
        return {
            "status": "todo",
            "note": "TODO: signal_watch is not importable on this branch; rerun "
            "`make bench-docs` once the signal_watch panel is merged.",
        }
    from django.contrib.auth.models import Group

    signals = {"no receiver": signal_with(0), "one receiver": signal_with(1)}
    recorder = SignalRecorder()

    def recording(statement, namespace, number):
        plain = statement_runner(statement, namespace)

        def run():
            recorder.start()
            try:
                return plain(number)
            finally:
                recorder.stop()
                if hasattr(recorder, "clear"):
                    recorder.clear()

        return run

    # "stopped": a recording started and stopped once first, so anything it
    # leaves behind shows.
    recorder.start()
    recorder.stop()
    n = plan.recording_sends
    runs, samples = {}, {}
    for kind, (_, statement, names) in RECORDED_KINDS.items():
        namespace = base | {"Group": Group}
        namespace |= {name: signals[value] for name, value in names.items()}
        runs[kind] = {
            "none": statement_runner(statement, namespace),
            # The same statement compiled and timed again: how far two timings
            # of identical code drift apart here, the resolution of this comparison.
            "none_again": statement_runner(statement, namespace),
            "stopped": statement_runner(statement, namespace),
            "active": recording(statement, namespace, n),
        }
        samples[kind] = {state: [] for state in runs[kind]}
    order = ["none", "none_again", "stopped"]
    for round_number in range(plan.rounds):
        # Each takes each place in turn, so that none gains from its position.
        shift = round_number % len(order)
        for kind, timed in runs.items():
            for state in order[shift:] + order[:shift]:
                samples[kind][state].append(timed[state](n) / n * 1e9)
            samples[kind]["active"].append(timed["active"]() / n * 1e9)
            # start() and stop() change the Signal class, so Python drops what
            # it had specialised for "signal.send" at every call site. That
            # cost belongs to the recording just made, not to the next bare
            # timings: a few untimed runs let Python specialise again.
            for state in order:
                timed[state](n // 5)

    long_n = plan.long_recording_sends
    statement, namespace = SEND, base | {"signal": signals["one receiver"]}
    long_bare = statement_runner(statement, namespace)
    long_active = recording(statement, namespace, long_n)
    long_samples = {"none": [], "active": []}
    for _ in range(plan.long_repeats):
        long_samples["none"].append(long_bare(long_n) / long_n * 1e9)
        long_samples["active"].append(long_active() / long_n * 1e9)
        long_bare(n // 5)

    per_recording = f"recordings of {n:,}"
    cases, ratios = [], {}
    for kind, (label, _, _) in RECORDED_KINDS.items():
        timed = samples[kind]
        cases += [
            summary(f"recorder_{kind}_none", f"{label}, no recorder", timed["none"]),
            summary(
                f"recorder_{kind}_none_again",
                f"{label}, no recorder (timed again)",
                timed["none_again"],
            ),
            summary(
                f"recorder_{kind}_active",
                f"{label}, recorder active ({per_recording})",
                timed["active"],
            ),
            summary(
                f"recorder_{kind}_stopped",
                f"{label}, recorder stopped",
                timed["stopped"],
            ),
        ]
        none = statistics.median(timed["none"])
        ratios[kind] = {
            "active_ratio": statistics.median(timed["active"]) / none,
            "stopped_ratio": statistics.median(timed["stopped"]) / none,
            "none_again_ratio": statistics.median(timed["none_again"]) / none,
        }
    cases.append(
        summary(
            "recorder_send_1_active_long",
            f"send, 1 receiver, recorder active (one recording of {long_n:,})",
            long_samples["active"],
        )
    )
    parts = recorder_parts(base | {"signal": signals["one receiver"]})
    send_1_none = statistics.median(samples["send_1"]["none"])
    return {
        "status": "measured",
        "parts": parts,
        # What the target leaves for recording a one-receiver send, and what
        # the parts alone take: the least any recorder of those columns adds.
        "send_1_budget_ns": (RECORDER_TARGETS["send_1"] - 1) * send_1_none,
        "send_1_parts_ns": sum(part["ns_per_op"] for part in parts),
        "recording_sends": n,
        "long_recording_sends": long_n,
        "cases": cases,
        "ratios": ratios,
        "long_active_ratio": statistics.median(long_samples["active"])
        / statistics.median(long_samples["none"]),
    }
