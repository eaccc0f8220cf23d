"""Recording the signals one thread or task sends: the instrumentation behind the panel.

    with SignalRecorder() as recorder:
        ...
    for send in recorder.records:
        print(send.name, send.sender, send.kwargs)

While at least one recorder is on, the four send methods of
django.dispatch.Signal are replaced by wrappers; when the last one stops,
Django's own functions are put back. A wrapper records only for the thread or
async task whose context a recorder was started in (a ContextVar, which
threads do not share and tasks inherit), and calls Django's method with
exactly what it was given: receivers, their order, their arguments and what
the send returns or raises are Django's.

A record keeps no object alive: weak references, copies of plain values, and
text (see describing.py). Recorders started inside one another share one
journal, and each reads the part written while it was on, so they may stop in
any order.
"""

# --8<-- [start:imports]
import functools
import threading
import weakref
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from time import perf_counter

from django.db.models.base import ModelBase
from django.dispatch import Signal
from django.dispatch.dispatcher import NO_RECEIVERS

from .describing import (
    CONTAINER_TYPES,
    PLAIN_TYPES,
    SHOWN_CHARS,
    describe_kept,
    describe_kept_kwargs,
    keep,
    keep_instance,
    keep_items,
)
from .naming import SignalNames

# --8<-- [end:imports]

# --8<-- [start:state]
ref = weakref.ref
SEND_METHODS = ("send", "send_robust", "asend", "asend_robust")


class _Journal:
    """Where the recorders started in one context write: shared by nested ones.

    Threads and tasks started from that context (a ContextVar) write here too.
    """

    __slots__ = ("entries", "recording")

    def __init__(self):
        self.entries = []  # None once no recorder writes here any more
        self.recording = 0  # recorders on


_journal = ContextVar("signal_watch_journal", default=None)
_lock = threading.Lock()  # guards the counts below and the journals' counts
_recorders_on = 0
_originals = {}  # method name -> Django's function, while instrumented

# An entry is a tuple (signal, sender, named, method) for a send that called
# no receiver. For one that did, it is a list [signal, sender, named, method,
# seconds, outcome, failures, end], appended when the send starts (entries are
# in the order sends started) and completed when it ends: seconds stays None
# until then; outcome is the number of receivers, or the name of the exception
# that came out; end is the number of entries by then, so the entries between
# this one and end are the sends its receivers made. signal is a weak
# reference; sender and the values of named are what describing.keep() keeps.
# --8<-- [end:state]


# --8<-- [start:wrapper]
def _keep_named(named):
    # `named` is this call's own dict (Django's method got a copy): what must
    # not stay alive is replaced in place.
    for key, value in named.items():
        kind = type(value)
        if kind not in PLAIN_TYPES:
            if type(kind) is ModelBase:
                named[key] = keep_instance(value)
            elif kind in CONTAINER_TYPES:
                named[key] = keep_items(value)
            else:
                try:
                    named[key] = ref(value)
                except TypeError:
                    named[key] = keep(value)
        elif kind is str and len(value) > SHOWN_CHARS:
            named[key] = value[: SHOWN_CHARS + 1]
    return named


def _keep_sender(sender):
    if type(sender) in PLAIN_TYPES:
        return sender
    try:
        return ref(sender)
    except TypeError:
        return keep(sender)


def _failures(responses):
    # type(), not isinstance(): a receiver may return a lazy object.
    return sum(issubclass(type(response), Exception) for _, response in responses)


def _sync_wrapper(method, original):
    # Bound once, as locals: each lookup saved is saved on every send.
    current, clock, no_receivers = _journal.get, perf_counter, NO_RECEIVERS
    plain, containers, model_base = PLAIN_TYPES, CONTAINER_TYPES, ModelBase
    robust = method.endswith("robust")

    @functools.wraps(original)
    def wrapper(self, sender, **named):
        journal = current()
        if journal is None or (entries := journal.entries) is None:
            return original(self, sender, **named)
        try:
            # Django's own first step, on 5.2 and 6.x alike: [] at once.
            nobody = (
                not self.receivers
                or self.sender_receivers_cache.get(sender) is no_receivers
            )
        except Exception:  # an unhashable sender: let Django's method raise it
            nobody = False
        if nobody:
            # Most sends end here (pre_init and post_init of every instance),
            # so _keep_sender() and _keep_named() are written out.
            if type(sender) not in plain:
                try:
                    sender = ref(sender)
                except TypeError:
                    sender = keep(sender)
            for key, value in named.items():
                kind = type(value)
                if kind not in plain:
                    if type(kind) is model_base:
                        named[key] = keep_instance(value)
                    elif kind in containers:  # pre_init's args and kwargs
                        if value or kind is not tuple:
                            named[key] = keep_items(value)
                    else:
                        try:
                            named[key] = ref(value)
                        except TypeError:
                            named[key] = keep(value)
                elif kind is str and len(value) > SHOWN_CHARS:
                    named[key] = value[: SHOWN_CHARS + 1]
            entries.append((ref(self), sender, named, method))
            return []
        entry = [ref(self), None, None, method, None, None, 0, None]
        entries.append(entry)
        start = clock()
        try:
            responses = original(self, sender, **named)
            entry[5] = len(responses)
            if robust:
                entry[6] = _failures(responses)
            return responses
        except BaseException as exc:
            entry[5] = type(exc).__name__
            raise
        finally:
            seconds = clock() - start
            entry[7] = len(entries)
            entry[1], entry[2] = _keep_sender(sender), _keep_named(named)
            entry[4] = seconds  # last: the entry is complete

    wrapper._signal_watch = True
    return wrapper


# --8<-- [end:wrapper]


def _async_wrapper(method, original):
    current, clock, no_receivers = _journal.get, perf_counter, NO_RECEIVERS
    robust = method.endswith("robust")

    @functools.wraps(original)
    async def wrapper(self, sender, **named):
        journal = current()
        if journal is None or (entries := journal.entries) is None:
            return await original(self, sender, **named)
        try:
            nobody = (
                not self.receivers
                or self.sender_receivers_cache.get(sender) is no_receivers
            )
        except Exception:
            nobody = False
        if nobody:
            entries.append(
                (ref(self), _keep_sender(sender), _keep_named(named), method)
            )
            return []
        entry = [ref(self), None, None, method, None, None, 0, None]
        entries.append(entry)
        start = clock()
        try:
            responses = await original(self, sender, **named)
            entry[5] = len(responses)
            if robust:
                entry[6] = _failures(responses)
            return responses
        except BaseException as exc:
            entry[5] = type(exc).__name__
            raise
        finally:
            seconds = clock() - start
            entry[7] = len(entries)
            entry[1], entry[2] = _keep_sender(sender), _keep_named(named)
            entry[4] = seconds

    wrapper._signal_watch = True
    return wrapper


def _instrument():
    for method in SEND_METHODS:
        original = Signal.__dict__[method]
        _originals[method] = original
        make = _async_wrapper if method.startswith("a") else _sync_wrapper
        setattr(Signal, method, make(method, original))


def _restore():
    for method, original in _originals.items():
        # Put Django's method back unless someone else has replaced ours since.
        if getattr(Signal.__dict__.get(method), "_signal_watch", False):
            setattr(Signal, method, original)
    _originals.clear()


@dataclass
class SignalSend:
    """One recorded send, as short and safe text."""

    order: int
    signal: str  # dotted path, e.g. "django.db.models.signals.post_save"
    name: str  # last part of the path, e.g. "post_save"
    sender: str
    kwargs: dict
    receivers: int | None  # None when a receiver raised out of send()/asend()
    errors: int  # receivers that raised inside send_robust()/asend_robust()
    duration_ms: float  # 0 when no receiver was connected
    method: str  # "send", "send_robust", "asend" or "asend_robust"
    depth: int  # 0, or 1+ for a send made by a receiver of another send
    raised: str | None  # exception class that came out of the send, if any

    def as_dict(self):
        return asdict(self)


class SignalRecorder:
    """Record the signals sent by the current thread or task between start() and stop().

    start() and stop() are idempotent, and a recorder may be started again.
    Several recorders may be on at once, in one context or in several threads.
    """

    def __init__(self):
        self._spans = []  # [journal, entries, first index, end index]
        self._span = None  # the span being written, while on

    @property
    def active(self):
        return self._span is not None

    def start(self):
        global _recorders_on
        with _lock:
            if self._span is not None:
                return
            if _recorders_on == 0:
                _instrument()
            _recorders_on += 1
            journal = _journal.get()
            if journal is None or journal.entries is None:
                journal = _Journal()
                _journal.set(journal)
            journal.recording += 1
            entries = journal.entries
            self._span = [journal, entries, len(entries), None]
            self._spans.append(self._span)

    def stop(self):
        global _recorders_on
        with _lock:
            span, self._span = self._span, None
            if span is None:
                return
            journal = span[0]
            span[3] = len(span[1])
            journal.recording -= 1
            if journal.recording == 0:
                # Nothing more is written there, from any thread or task.
                journal.entries = None
                if _journal.get() is journal:
                    _journal.set(None)
            _recorders_on -= 1
            if _recorders_on == 0:
                _restore()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def clear(self):
        """Forget what was recorded so far."""
        with _lock:
            span = self._span
            self._spans = []
            if span is None:
                return
            journal = span[0]
            if journal.recording == 1:  # no other recorder reads this journal
                journal.entries = []
            entries = journal.entries
            self._span = [journal, entries, len(entries), None]
            self._spans.append(self._span)

    @property
    def records(self):
        """The sends recorded so far, as SignalSend, in the order they started.

        A send still running (when read from inside a receiver) is left out.
        Reading runs no SQL and never raises: what cannot be described shows
        as a placeholder.
        """
        names = SignalNames()
        records = []
        for _, entries, first, end in list(self._spans):
            # Sends whose receivers are still running, by where they end.
            running_until = []
            for index, entry in enumerate(entries[first:end], start=first):
                while running_until and running_until[-1] <= index:
                    running_until.pop()
                depth = len(running_until)
                if len(entry) == 4:
                    signal, sender, named, method = entry
                    seconds, outcome, failures = 0.0, 0, 0
                else:
                    signal, sender, named, method, seconds, outcome, failures, until = (
                        entry
                    )
                    if seconds is None:
                        continue  # still running
                    running_until.append(until)
                records.append(
                    _record(
                        names,
                        len(records) + 1,
                        signal,
                        sender,
                        named,
                        method,
                        depth,
                        seconds,
                        outcome,
                        failures,
                    )
                )
        return records


def _record(names, order, signal, sender, named, method, depth, seconds, *outcome):
    outcome, failures = outcome
    signal = signal()
    path = "<Signal no longer in memory>" if signal is None else names.path(signal)
    live_sender = sender() if type(sender) is weakref.ReferenceType else sender
    try:
        kwargs = describe_kept_kwargs(live_sender, named)
    except Exception as exc:  # never let one record break the panel
        kwargs = {"?": f"<not describable: {type(exc).__name__}>"}
    raised = outcome if type(outcome) is str else None
    return SignalSend(
        order=order,
        signal=path,
        name=path.rpartition(".")[2],
        sender=describe_kept(sender),
        kwargs=kwargs,
        receivers=None if raised else outcome,
        errors=failures,
        duration_ms=seconds * 1000,
        method=method,
        depth=depth,
        raised=raised,
    )
