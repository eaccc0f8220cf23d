"""Recording the signals one thread or task sends: the instrumentation behind the panel.

    with SignalRecorder() as recorder:
        ...
    for send in recorder.records:
        print(send.name, send.sender, send.count, send.kwargs)

While at least one recorder is on, the four send methods of
django.dispatch.Signal are replaced by wrappers; when the last one stops,
Django's own functions are put back. A wrapper records only for the thread or
async task whose context a recorder was started in (a ContextVar, which
threads do not share and tasks inherit). Receivers, their order, their
arguments and what the send returns or raises are Django's: send() and
send_robust() call the receivers with Django's own loop, statement for
statement, and every other case goes to Django's method itself.

A send that calls receivers is recorded one by one: its sender, its
arguments, how many receivers ran and how long they took. A send that calls
none (most sends: pre_init and post_init of every model instance) is only
counted, per signal and sender, between two sends that did call receivers.
Nothing a record holds keeps an object alive: weak references, copies of
plain values, and text (see describing.py). Recorders started inside one
another share one journal, and each reads the part written while it was on,
so they may stop in any order.
"""

# --8<-- [start:imports]
import functools
import threading
import weakref
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from time import perf_counter

from django.dispatch import Signal
from django.dispatch.dispatcher import NO_RECEIVERS

from .describing import (
    KEEPERS,
    KNOWN_KEEPERS,
    PLAIN_TYPES,
    describe_kept,
    describe_kept_kwargs,
    keep,
    keep_named,
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

    __slots__ = ("counts", "entries", "group", "recording")

    def __init__(self):
        # id(signal) -> {id(sender) -> tally} for the current group (see
        # _first_unheard); None once nobody records here.
        self.counts = {}
        self.group = _Group()  # sends that called no receiver, since the last that did
        self.entries = []
        self.recording = 0  # recorders on


class _Group(list):
    """Sends that called no receiver, one row per signal, sender and method:
    [tally, weak reference to the signal, kept sender, method], where the
    number of items in tally is the number of sends."""

    __slots__ = ()


_journal = ContextVar("signal_watch_journal", default=None)
_lock = threading.Lock()  # guards the counts below and the journals' counts
_recorders_on = 0
_originals = {}  # method name -> Django's function, while instrumented
_wrappers = {}  # Django's function -> its wrapper, made once
# id() -> weak reference, for the signals and the sender classes recorded
# so far: a send looks its two references up here, which is quicker than
# calling weakref.ref() twice. Each one's callback retires its key when its
# object goes, before the id can be given to another (as in _first_unheard).
_kept_refs = {}
MAX_KEPT_REFS = 1000

# The entries are in the order sends started. A send that called receivers
# takes its place with None when its receivers start, and fills it when it
# ends with (signal, sender, named, method, seconds, outcome, failures,
# end): outcome is the number of receivers, or the name of the exception that
# came out; end is the number of entries by then, so the entries between this
# one and end are the sends its receivers made. A _Group takes its place for
# the sends that called no receiver in between. signal is a weak reference;
# sender and the values of named are what describing.KEEPERS keeps of them.
# --8<-- [end:state]


# --8<-- [start:unheard]
def _flush(journal):
    """Close the current group of sends that called no receiver, in its place."""
    group = journal.group
    if group:
        journal.group = _Group()
        journal.entries.append(group)
        if journal.counts is not None:
            journal.counts = {}


def _unheard(journal, counts, signal, sender, method):
    """Count a send that called no receiver, in the current group."""
    # Keyed by id()s, the signal's and then the sender's: send() alone, the
    # other methods apart.
    signal_key = id(signal) if method == "send" else (id(signal), method)
    try:
        counts[signal_key][id(sender)].append(None)
    except KeyError:
        _first_unheard(journal, counts, signal_key, signal, sender, method)


def _first_unheard(journal, counts, signal_key, signal, sender, method):
    """The first send of its signal, sender and method in the current group.

    A count is a list that grows by one item per send: list.append() is the
    quickest thing Python does, quicker than adding 1 to a number.
    The keys are id()s, which Python gives again to a new object once the old
    one is gone: a weak reference's callback retires a key when its object
    goes, before its id can be given to another.
    """
    by_sender = counts.get(signal_key)
    if by_sender is None:
        by_sender = counts[signal_key] = {}

        def retire_signal(_reference):
            if counts.get(signal_key) is by_sender:
                del counts[signal_key]

        by_sender[None] = ref(signal, retire_signal)  # shared by its rows
    sender_key, tally = id(sender), [None]
    row = [tally, by_sender[None], None, method]
    if type(sender) in PLAIN_TYPES:
        # Refers to nothing: kept as it is (a long string too, cut when it is
        # read), so its id stays its own.
        row[2], by_sender[sender_key] = sender, tally
    else:

        def retire_sender(_reference):
            if by_sender.get(sender_key) is tally:
                del by_sender[sender_key]

        try:
            row[2] = ref(sender, retire_sender)
            by_sender[sender_key] = tally
        except TypeError:  # no weak reference: described now, not counted on
            row[2] = keep(sender)
    journal.group.append(row)


# --8<-- [end:unheard]
# --8<-- [start:recorded]
def _kept_ref(value):
    """A weak reference to a signal or a class, made once and kept for the next
    send in _kept_refs, under its id() until it goes."""
    reference = _kept_refs.get(id(value))
    if reference is not None:
        return reference
    if len(_kept_refs) >= MAX_KEPT_REFS:
        return ref(value)
    # Bound here: at exit, Python may clear this module's names before the
    # last callbacks run.
    key, kept_refs = id(value), _kept_refs

    def retire(reference):
        if kept_refs.get(key) is reference:
            del kept_refs[key]

    reference = kept_refs[key] = ref(value, retire)
    return reference


def _keep_sender(sender):
    kind = type(sender)
    keeper = KEEPERS[kind]
    if keeper is ref and issubclass(kind, type):  # a class: a model, most often
        return _kept_ref(sender)
    return sender if keeper is None else keeper(sender)


def _failures(responses):
    # type(), not isinstance(): a receiver may return a lazy object.
    return sum(issubclass(type(response), Exception) for _, response in responses)


def _record_raised(journal, signal, sender, named, method, exc):
    """A send that raised before any receiver ran."""
    _flush(journal)
    entries = journal.entries
    entries.append(
        (
            _kept_ref(signal),
            _keep_sender(sender),
            keep_named(named),
            method,
            0,
            type(exc).__name__,
            0,
            len(entries) + 1,
        )
    )


class _Recorded:
    """A send recorded around a call of Django's own method (a `with` block)."""

    __slots__ = (
        "entries",
        "index",
        "journal",
        "method",
        "named",
        "responses",
        "sender",
        "signal",
        "started",
    )

    def __init__(self, journal, signal, sender, named, method):
        _flush(journal)
        self.journal, self.entries = journal, journal.entries
        self.signal, self.sender, self.named, self.method = (
            signal,
            sender,
            named,
            method,
        )
        self.index, self.responses = len(self.entries), None
        self.entries.append(None)  # its place, filled in when it ends
        self.started = perf_counter()

    def __enter__(self):
        return self

    def __exit__(self, raised, exc, traceback):
        seconds = perf_counter() - self.started
        _flush(self.journal)  # the sends its receivers made that called nobody
        responses = self.responses
        if raised is None:
            outcome = len(responses)
            failures = _failures(responses) if self.method.endswith("robust") else 0
        else:
            outcome, failures = raised.__name__, 0
        self.entries[self.index] = (
            _kept_ref(self.signal),
            _keep_sender(self.sender),
            keep_named(self.named),
            self.method,
            seconds,
            outcome,
            failures,
            len(self.entries),
        )
        return False  # what was raised goes on, untouched


def _recorded_call(journal, original, method, signal, sender, named):
    """Django's own method, called with exactly what the send was given, recorded."""
    with _Recorded(journal, signal, sender, named, method) as recorded:
        recorded.responses = original(signal, sender, **named)
        return recorded.responses


async def _recorded_await(journal, original, method, signal, sender, named):
    """The same for asend() and asend_robust()."""
    with _Recorded(journal, signal, sender, named, method) as recorded:
        recorded.responses = await original(signal, sender, **named)
        return recorded.responses


# --8<-- [end:recorded]
# --8<-- [start:wrapper]
def _sync_wrapper(method, original):
    # Bound once, as locals: each lookup saved is saved on every send.
    # perf_counter() rather than perf_counter_ns(): the same clock, and a
    # float is quicker to make than an int that large.
    current, clock, no_receivers = _journal.get, perf_counter, NO_RECEIVERS
    keepers, known_keepers, kept_refs = KEEPERS, KNOWN_KEEPERS, _kept_refs
    robust = method == "send_robust"

    @functools.wraps(original)
    def wrapper(self, sender, **named):
        journal = current()
        if journal is None or (counts := journal.counts) is None:
            return original(self, sender, **named)
        try:
            # Django's own first step, on 5.2 and 6.x alike: [] at once.
            nobody = (
                not self.receivers
                or self.sender_receivers_cache.get(sender) is no_receivers
            )
        except Exception:  # an unhashable sender: Django's own line raises it
            return _recorded_call(journal, original, method, self, sender, named)
        if nobody:
            # Most sends end here, and most are send(): _unheard() written out.
            if robust:
                _unheard(journal, counts, self, sender, method)
            else:
                try:
                    counts[id(self)][id(sender)].append(None)
                except KeyError:
                    _first_unheard(journal, counts, id(self), self, sender, method)
            return []
        try:
            sync_receivers, async_receivers = self._live_receivers(sender)
        except BaseException as exc:
            _record_raised(journal, self, sender, named, method, exc)
            raise
        if async_receivers:
            # Django runs them in an event loop of its own (asyncio.gather()
            # on 5.2, a TaskGroup on 6.x): its method does it all.
            return _recorded_call(journal, original, method, self, sender, named)
        if not sync_receivers:
            _unheard(journal, counts, self, sender, method)
            return []
        if journal.group:
            _flush(journal)
        entries = journal.entries
        index = len(entries)
        entries.append(None)  # this send's place, filled in when it ends
        responses = []
        outcome = None
        started = clock()
        try:
            # Django's loop, as its send() and send_robust() write it (a test
            # compares the two on the installed Django).
            if robust:
                for receiver in sync_receivers:
                    try:
                        response = receiver(signal=self, sender=sender, **named)
                    except Exception as err:
                        self._log_robust_failure(receiver, err)
                        responses.append((receiver, err))
                    else:
                        responses.append((receiver, response))
            else:
                for receiver in sync_receivers:
                    response = receiver(signal=self, sender=sender, **named)
                    responses.append((receiver, response))
            return responses
        except BaseException as exc:
            outcome = type(exc).__name__
            raise
        finally:
            seconds = clock() - started
            if journal.group:
                _flush(journal)  # the sends its receivers made: inside it
            # keep_named(), written out: over the keys, quicker than items(),
            # and a plain dict first, quicker to index than KEEPERS.
            for key in named:
                try:
                    keeper = known_keepers[type(value := named[key])]
                except KeyError:
                    keeper = keepers[type(value)]
                if keeper is not None:
                    named[key] = keeper(value)
            kept_sender = kept_refs.get(id(sender))
            if kept_sender is None:
                kept_sender = _keep_sender(sender)
            entries[index] = (
                kept_refs.get(id(self)) or _kept_ref(self),
                kept_sender,
                named,
                method,
                seconds,
                len(responses) if outcome is None else outcome,
                _failures(responses) if robust else 0,
                len(entries),
            )

    wrapper._signal_watch = True
    return wrapper


# --8<-- [end:wrapper]
def _async_wrapper(method, original):
    current, no_receivers = _journal.get, NO_RECEIVERS

    @functools.wraps(original)
    async def wrapper(self, sender, **named):
        journal = current()
        if journal is None or (counts := journal.counts) is None:
            return await original(self, sender, **named)
        try:
            nobody = (
                not self.receivers
                or self.sender_receivers_cache.get(sender) is no_receivers
            )
        except Exception:
            nobody = False
        if nobody:
            _unheard(journal, counts, self, sender, method)
            return []
        # asend() runs receivers in tasks and threads of its own, and differs
        # between Django 5.2 and 6.x: Django's method does it all.
        return await _recorded_await(journal, original, method, self, sender, named)

    wrapper._signal_watch = True
    return wrapper


def _instrument():
    for method in SEND_METHODS:
        original = Signal.__dict__[method]
        _originals[method] = original
        if original not in _wrappers:
            make = _async_wrapper if method.startswith("a") else _sync_wrapper
            _wrappers[original] = make(method, original)
        setattr(Signal, method, _wrappers[original])


def _restore():
    for method, original in _originals.items():
        # Put Django's method back unless someone else has replaced ours since.
        if getattr(Signal.__dict__.get(method), "_signal_watch", False):
            setattr(Signal, method, original)
    _originals.clear()


@dataclass
class SignalSend:
    """One row of a recording, as short and safe text: a send that called
    receivers, or the sends of one signal and sender that called none."""

    order: int
    signal: str  # dotted path, e.g. "django.db.models.signals.post_save"
    name: str  # last part of the path, e.g. "post_save"
    sender: str
    kwargs: dict  # {} when grouped: the arguments are not kept
    receivers: int | None  # None when a receiver raised out of send()/asend()
    errors: int  # receivers that raised inside send_robust()/asend_robust()
    duration_ms: float  # 0 when no receiver was called
    method: str  # "send", "send_robust", "asend" or "asend_robust"
    depth: int  # 0, or 1+ for a send made by a receiver of another send
    raised: str | None  # exception class that came out of the send, if any
    grouped: bool = False  # sends that called no receiver, only counted
    count: int = 1  # how many sends the row stands for: 1 unless grouped

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
            if journal is None or journal.counts is None:
                journal = _Journal()
                _journal.set(journal)
            _flush(journal)  # what was counted before belongs to the others
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
            _flush(journal)
            span[3] = len(span[1])
            journal.recording -= 1
            if journal.recording == 0:
                # Nothing more is written there, from any thread or task.
                journal.counts = None
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
            _flush(journal)
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
        if self._span is not None:
            _flush(self._span[0])  # the sends so far that called no receiver
        names = SignalNames()
        records = []
        for _, entries, first, end in list(self._spans):
            # Sends whose receivers are still running, by where they end.
            running_until = []
            for index, entry in enumerate(entries[first:end], start=first):
                while running_until and running_until[-1] <= index:
                    running_until.pop()
                depth = len(running_until)
                if type(entry) is _Group:
                    for tally, signal, sender, method in list(entry):
                        records.append(
                            _record(names, signal, sender, {}, method, depth)
                        )
                        records[-1].grouped, records[-1].count = True, len(tally)
                    continue
                if entry is None:
                    continue  # still running
                signal, sender, named, method, seconds, outcome, failures, until = entry
                running_until.append(until)
                record = _record(names, signal, sender, named, method, depth)
                if type(outcome) is str:
                    record.receivers, record.raised = None, outcome
                else:
                    record.receivers = outcome
                record.errors, record.duration_ms = failures, seconds * 1e3
                records.append(record)
        for order, record in enumerate(records, start=1):
            record.order = order
        return records


def _record(names, signal, sender, named, method, depth):
    """A SignalSend with no receiver called yet: the caller fills in the outcome."""
    signal = signal()
    path = "<Signal no longer in memory>" if signal is None else names.path(signal)
    live_sender = sender() if type(sender) is weakref.ReferenceType else sender
    try:
        kwargs = describe_kept_kwargs(live_sender, named)
    except Exception as exc:  # never let one record break the panel
        kwargs = {"?": f"<not describable: {type(exc).__name__}>"}
    return SignalSend(
        order=0,
        signal=path,
        name=path.rpartition(".")[2],
        sender=describe_kept(sender),
        kwargs=kwargs,
        receivers=0,
        errors=0,
        duration_ms=0.0,
        method=method,
        depth=depth,
        raised=None,
    )
