"""signal_watch's recorder: what it records, what it leaves alone, what it keeps."""

import ast
import asyncio
import contextvars
import gc
import inspect
import textwrap
import threading
import warnings
import weakref

import pytest
from asgiref.sync import async_to_sync
from django.db.models.signals import post_init, post_save, pre_save
from django.dispatch import Signal
from django.dispatch.dispatcher import NO_RECEIVERS

from bar.models import LoginRecord
from foo.signals import user_login
from signal_watch import recording
from signal_watch.recording import SEND_METHODS, SignalRecorder
from tests.conftest import PASSWORD

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


def collected(reference):
    gc.collect()
    return reference() is None


class Listener:
    def __init__(self):
        self.calls = 0

    def on_send(self, sender, **kwargs):
        self.calls += 1


class Thing:
    """Any object a send may carry."""


# --- nothing kept alive ---------------------------------------------------------


def test_a_weak_receivers_owner_is_collected_and_no_longer_called():
    signal = Signal()
    listener = Listener()
    signal.connect(listener.on_send)
    with SignalRecorder() as recorder:
        assert len(signal.send(sender=None)) == 1
        owner = weakref.ref(listener)
        del listener
        assert collected(owner)
        assert signal.send(sender=None) == []
        assert not signal.has_listeners()
    assert [record.receivers for record in recorder.records] == [1, 0]


@pytest.mark.parametrize("use_caching", [False, True])
def test_a_sender_class_is_collected(use_caching):
    signal = Signal(use_caching=use_caching)
    signal.connect(lambda sender, **kwargs: None, weak=False)

    class Sender:
        pass

    with SignalRecorder() as recorder:
        signal.send(sender=Sender)
        signal.send_robust(sender=Sender)
        sender = weakref.ref(Sender)
        del Sender
        assert collected(sender)
    assert [record.sender for record in recorder.records] == [
        "<no longer in memory>"
    ] * 2


def test_an_instance_argument_is_collected():
    signal = Signal()
    thing = Thing()
    with SignalRecorder():
        signal.send(sender=None, thing=thing)  # no receiver
        signal.connect(lambda sender, **kwargs: None, weak=False)
        signal.send(sender=None, thing=thing, things=[thing], by_name={"t": thing})
        argument = weakref.ref(thing)
        del thing
        assert collected(argument)


def test_model_instances_built_while_recording_are_collected_and_counted():
    # Nobody listens to pre_init or post_init for LoginRecord: only counted.
    with SignalRecorder() as recorder:
        instances = [LoginRecord(remote_addr="127.0.0.1") for _ in range(2000)]
        references = [weakref.ref(instance) for instance in instances]
        del instances
        gc.collect()
        assert all(reference() is None for reference in references)
    assert [
        (r.name, r.sender, r.grouped, r.count, r.kwargs) for r in recorder.records
    ] == [
        ("pre_init", "bar.LoginRecord", True, 2000, {}),
        ("post_init", "bar.LoginRecord", True, 2000, {}),
    ]


def test_model_instances_sent_to_a_receiver_are_collected_and_still_described():
    def listener(sender, **kwargs):
        pass

    post_init.connect(listener, sender=LoginRecord)
    try:
        with SignalRecorder() as recorder:
            instances = [LoginRecord(remote_addr="127.0.0.1") for _ in range(2000)]
            references = [weakref.ref(instance) for instance in instances]
            del instances
            gc.collect()
            assert all(reference() is None for reference in references)
    finally:
        post_init.disconnect(listener, sender=LoginRecord)
    records = recorder.records
    # Each post_init called the receiver, so each pre_init before it is a
    # group of its own.
    assert len(records) == 4000
    assert {
        (r.name, r.grouped, r.count, r.kwargs.get("instance")) for r in records
    } == {
        ("pre_init", True, 1, None),
        ("post_init", False, 1, "<LoginRecord pk=None>"),
    }


def test_a_record_shows_the_primary_key_an_instance_had_when_it_was_sent(alice):
    def listener(sender, **kwargs):
        pass

    record = LoginRecord(user=alice, remote_addr="127.0.0.1")
    pre_save.connect(listener, sender=LoginRecord)
    post_save.connect(listener, sender=LoginRecord)
    try:
        with SignalRecorder() as recorder:
            record.save()
    finally:
        pre_save.disconnect(listener, sender=LoginRecord)
        post_save.disconnect(listener, sender=LoginRecord)
    saves = [
        (r.name, r.kwargs["instance"]) for r in recorder.records if "save" in r.name
    ]
    assert saves == [
        ("pre_save", "<LoginRecord pk=None>"),
        ("post_save", f"<LoginRecord pk={record.pk}>"),
    ]


# --- sends that called no receiver: counted in their place ---------------------------


def test_sends_that_call_no_receiver_are_counted_per_signal_and_sender_in_their_place():
    quiet, other, heard = Signal(), Signal(), Signal()
    heard.connect(lambda sender, **kwargs: quiet.send(sender="inside"), weak=False)
    with SignalRecorder() as recorder:
        quiet.send(sender="a", value=1)
        other.send(sender="a")
        quiet.send(sender="b")
        quiet.send(sender="a", value=2)
        quiet.send_robust(sender="a")
        heard.send(sender="a")
        quiet.send(sender="a")
    rows = [
        (r.name, r.sender, r.method, r.count, r.depth, r.grouped, r.receivers)
        for r in recorder.records
    ]
    # Signals defined here have no dotted path: named by what naming.py finds.
    names = {r.signal for r in recorder.records}
    assert all(name.startswith("<unnamed Signal at") for name in names)
    quiet_name, other_name = rows[0][0], rows[1][0]
    assert quiet_name != other_name
    assert [row[1:] for row in rows] == [
        ("'a'", "send", 2, 0, True, 0),
        ("'a'", "send", 1, 0, True, 0),
        ("'b'", "send", 1, 0, True, 0),
        ("'a'", "send_robust", 1, 0, True, 0),
        ("'a'", "send", 1, 0, False, 1),
        ("'inside'", "send", 1, 1, True, 0),  # sent by heard's receiver
        ("'a'", "send", 1, 0, True, 0),  # after it: a new group
    ]
    assert [r.kwargs for r in recorder.records if r.grouped] == [{}] * 6


def test_senders_that_are_plain_values_are_counted_and_shown_cut():
    signal = Signal()
    long_name = "a sender named at some length, " * 5
    with SignalRecorder() as recorder:
        for sender in (None, long_name, None, long_name, 7):
            signal.send(sender=sender)
    rows = [(r.sender, r.count) for r in recorder.records]
    assert rows[0] == ("None", 2) and rows[2] == ("7", 1)
    assert rows[1][1] == 2
    assert rows[1][0].endswith("...'") and len(rows[1][0]) < len(long_name)


def made_at(address, make):
    """A new object from make() that Python puts where a freed one was."""
    for _ in range(1000):
        made = make()
        if id(made) == address:
            return made
    pytest.skip("Python did not give the id to a new object")


def test_a_new_sender_with_the_id_of_a_dead_one_is_counted_apart():
    # Python gives a freed object's id() to the next object of its size: the
    # count of a sender that is gone must not go on under its id.
    signal = Signal()
    with SignalRecorder() as recorder:
        first = Thing()
        signal.send(sender=first)
        address = id(first)
        del first
        second = made_at(address, Thing)
        signal.send(sender=second)
        signal.send(sender=second)
    assert [(r.sender, r.count) for r in recorder.records] == [
        ("<no longer in memory>", 1),
        ("<tests.test_signal_watch_recording.Thing object>", 2),
    ]


def test_a_new_signal_with_the_id_of_a_dead_one_is_counted_apart():
    with SignalRecorder() as recorder:
        first = Signal()
        first.send(sender=None)
        address = id(first)
        del first
        second = made_at(address, Signal)
        second.send(sender=None)
        records = recorder.records  # read while it lives: named, not gone
    assert [(r.signal, r.count) for r in records] == [
        ("<Signal no longer in memory>", 1),
        (f"<unnamed Signal at {address:#x}>", 1),
    ]


def test_counting_keeps_no_sender_or_signal_alive():
    with SignalRecorder() as recorder:
        signal = Signal()

        class Sender:
            pass

        signal.send(sender=Sender)
        signal.send(sender=Sender)
        references = weakref.ref(Sender), weakref.ref(signal)
        del Sender, signal
        gc.collect()
        assert [reference() for reference in references] == [None, None]
    ((row),) = recorder.records
    assert (row.signal, row.sender, row.count) == (
        "<Signal no longer in memory>",
        "<no longer in memory>",
        2,
    )


def new_class():
    gc.collect(0)  # a class is freed by the collector: the last one tried, here
    return type("Second", (), {})


def test_a_new_sender_class_with_the_id_of_a_dead_one_is_recorded_as_itself():
    # The recorder remembers its weak reference to a sender class under the
    # class's id(): the reference must go with the class, or the next class
    # Python puts at that address would be recorded as the dead one.
    signal = Signal()
    signal.connect(lambda sender, **kwargs: None, weak=False)
    with SignalRecorder() as recorder:
        first = type("First", (), {})
        signal.send(sender=first)
        signal.send(sender=first)
        address = id(first)
        del first
        gc.collect()
        second = made_at(address, new_class)
        signal.send(sender=second)
        records = recorder.records
    assert [(r.sender, r.grouped) for r in records] == [
        ("<no longer in memory>", False),
        ("<no longer in memory>", False),
        ("tests.test_signal_watch_recording.Second", False),
    ]


def test_a_new_signal_with_the_id_of_a_dead_one_is_recorded_as_itself():
    def listen(signal):
        signal.connect(lambda sender, **kwargs: None, weak=False)
        return signal

    with SignalRecorder() as recorder:
        first = listen(Signal())
        first.send(sender=None)
        address = id(first)
        del first
        second = listen(made_at(address, Signal))
        second.send(sender=None)
        records = recorder.records
    assert [(r.signal, r.receivers) for r in records] == [
        ("<Signal no longer in memory>", 1),
        (f"<unnamed Signal at {address:#x}>", 1),
    ]


def test_recording_sends_keeps_no_signal_or_sender_class_alive():
    signal = Signal()
    signal.connect(lambda sender, **kwargs: None, weak=False)

    class Sender:
        pass

    with SignalRecorder() as recorder:
        signal.send(sender=Sender)
        signal.send(sender=Sender)
    references = weakref.ref(Sender), weakref.ref(signal)
    del Sender, signal
    gc.collect()
    assert [reference() for reference in references] == [None, None]
    assert [(r.signal, r.sender, r.receivers) for r in recorder.records] == [
        ("<Signal no longer in memory>", "<no longer in memory>", 1)
    ] * 2


def test_an_instance_whose_primary_key_is_a_secret_is_masked_at_every_send():
    # What keeping an instance reads of its model is worked out once per
    # model: the second send must mask the key as the first did.
    from django.contrib.sessions.models import Session

    signal = Signal()
    signal.connect(lambda sender, **kwargs: None, weak=False)
    session = Session(session_key="sess-secret-key")
    with SignalRecorder() as recorder:
        signal.send(sender=Session, instance=session)
        signal.send(sender=Session, instance=session)
    shown = [r.kwargs["instance"] for r in recorder.records]
    assert len(shown) == 2 and shown[0] == shown[1]
    assert "sess-secret-key" not in shown[0] and "Session" in shown[0]


# --- Django's behaviour, unchanged ------------------------------------------------


def responses_of(signal, method, **named):
    """What a send returns or raises: (receiver, response) pairs or the exception."""
    send = getattr(signal, method)
    if method.startswith("a"):
        send = async_to_sync(send)
    try:
        result = send(sender=Thing, **named)
        return [(receiver, repr(response)) for receiver, response in result]
    except Exception as exc:
        return type(exc)


@pytest.mark.parametrize("method", SEND_METHODS)
def test_sends_return_and_raise_exactly_what_they_do_without_a_recorder(method):
    signal = Signal()

    def first(sender, value, **kwargs):
        return value * 2

    async def second(sender, value, **kwargs):
        return value * 3

    def failing(sender, **kwargs):
        raise LookupError("receiver failed")

    signal.connect(first)
    signal.connect(second)
    bare = responses_of(signal, method, value=7)
    with SignalRecorder():
        recorded = responses_of(signal, method, value=7)
    assert recorded == bare == [(first, "14"), (second, "21")]

    signal.connect(failing)
    bare = responses_of(signal, method, value=7)
    with SignalRecorder() as recorder:
        recorded = responses_of(signal, method, value=7)
    assert recorded == bare
    (record,) = recorder.records
    if method.endswith("robust"):
        assert (record.receivers, record.errors, record.raised) == (3, 1, None)
    else:
        assert (record.receivers, record.raised) == (None, "LookupError")


@pytest.mark.parametrize("method", ["send", "send_robust"])
def test_sync_receivers_are_called_and_answered_exactly_as_without_a_recorder(
    method, caplog
):
    # Only sync receivers: the wrapper runs Django's loop itself.
    signal = Signal()
    calls = []

    def first(sender, value, **kwargs):
        calls.append(("first", sender, value, kwargs))
        return value * 2

    def second(sender, value, **kwargs):
        calls.append(("second", sender, value, kwargs))
        return value * 3

    def failing(sender, **kwargs):
        raise LookupError("receiver failed")

    for receiver in (first, second, failing, first):  # the second `first`: ignored
        signal.connect(receiver)

    def outcome():
        calls.clear()
        caplog.clear()
        result = responses_of(signal, method, value=7)
        logged = [(r.levelname, r.getMessage()) for r in caplog.records]
        return result, list(calls), logged

    bare = outcome()
    with SignalRecorder() as recorder:
        recorded = outcome()
    assert recorded == bare
    if method == "send":
        assert bare[0] is LookupError
    else:
        assert [r for r, _ in bare[0]] == [first, second, failing]
        assert bare[2] == [
            (
                "ERROR",
                "Error calling test_sync_receivers_are_called_and_answered_"
                "exactly_as_without_a_recorder.<locals>.failing in "
                "Signal.send_robust() (receiver failed)",
            )
        ]
    assert [c[0] for c in bare[1]] == ["first", "second"]
    assert bare[1][0][3] == {"signal": signal}
    (record,) = recorder.records
    if method == "send":
        assert (record.receivers, record.raised) == (None, "LookupError")
    else:
        assert (record.receivers, record.errors, record.raised) == (3, 1, None)


def receiver_loops(function):
    """The `for receiver in sync_receivers:` loops of a function, as AST dumps."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    return [
        ast.dump(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.For) and ast.unparse(node.iter) == "sync_receivers"
    ]


@pytest.mark.parametrize("method", ["send", "send_robust"])
def test_the_wrapper_runs_djangos_own_loop_over_sync_receivers(method):
    # The installed Django's send()/send_robust(), statement by statement:
    # after the early [] (which the wrapper takes too), responses, the live
    # receivers, the loop over the sync ones, then the async ones (which the
    # wrapper leaves to Django's method), then the answer.
    django_method = Signal.__dict__[method]
    (function,) = ast.parse(textwrap.dedent(inspect.getsource(django_method))).body
    statements = [
        ast.unparse(statement).splitlines()[0]
        for statement in function.body
        if not (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant)
        )
    ]
    assert statements == [
        "if not self.receivers or self.sender_receivers_cache.get(sender) is NO_RECEIVERS:",
        "responses = []",
        "sync_receivers, async_receivers = self._live_receivers(sender)",
        "for receiver in sync_receivers:",
        "if async_receivers:",
        "return responses",
    ]
    (django_loop,) = receiver_loops(django_method)
    assert django_loop in receiver_loops(recording._sync_wrapper)


@pytest.mark.parametrize("method", ["send", "send_robust"])
def test_a_receivers_warning_points_at_the_same_line_with_a_recorder(method):
    # warnings.warn(stacklevel=N) counts frames up from the receiver: the
    # wrapper stands where Django's method stood, so N lands on the same line.
    signal = Signal()

    def warns(sender, **kwargs):
        warnings.warn("from a receiver", stacklevel=3)  # receiver, send, caller

    signal.connect(warns, weak=False)

    def where_it_points():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            getattr(signal, method)(sender=None)
        (warning,) = caught
        return warning.filename, warning.lineno

    bare = where_it_points()
    with SignalRecorder():
        recorded = where_it_points()
    assert recorded == bare
    assert bare[0] == __file__


def test_a_send_with_no_receiver_is_answered_as_django_answers_it():
    # The recorder answers such a send itself, with [], as Django's own first
    # step does (`if not self.receivers or ... is NO_RECEIVERS: return []`):
    # this checks that step on the installed Django, with no receiver looked up.
    class Unlooked(Signal):
        def _live_receivers(self, sender):
            raise AssertionError("Django looked for receivers")

    empty = Unlooked()
    cached = Unlooked(use_caching=True)
    cached.receivers = ["someone, for another sender"]
    cached.sender_receivers_cache[Thing] = NO_RECEIVERS
    for signal in (empty, cached):
        assert signal.send(sender=Thing) == []
        assert signal.send_robust(sender=Thing) == []
        assert async_to_sync(signal.asend)(sender=Thing) == []
        assert async_to_sync(signal.asend_robust)(sender=Thing) == []
        with SignalRecorder() as recorder:
            assert signal.send(sender=Thing, value=1) == []
            assert async_to_sync(signal.asend)(sender=Thing, value=1) == []
        assert [
            (r.method, r.grouped, r.count, r.receivers) for r in recorder.records
        ] == [
            ("send", True, 1, 0),
            ("asend", True, 1, 0),
        ]


def test_a_none_sender_on_a_caching_signal_raises_djangos_typeerror_and_is_recorded(
    db,
):
    pre_save.connect(Listener().on_send, weak=False, dispatch_uid="test-none")
    try:
        with pytest.raises(TypeError) as bare:
            pre_save.send(sender=None, instance=None)
        with SignalRecorder() as recorder, pytest.raises(TypeError) as recorded:
            pre_save.send(sender=None, instance=None)
    finally:
        pre_save.disconnect(dispatch_uid="test-none")
    assert str(recorded.value) == str(bare.value)
    # Raised by Django's own code, not by the recorder's.
    assert recorded.traceback[-1].path.name == "weakref.py"
    assert recorded.traceback[-2].name == "send"
    (record,) = recorder.records
    assert (record.name, record.raised) == ("pre_save", "TypeError")


def test_start_and_stop_are_idempotent_and_restore_the_dispatcher():
    before = dispatcher_state()
    recorder = SignalRecorder()
    recorder.start()
    recorder.start()
    assert Signal.__dict__["send"] is not before["class"]["send"]
    recorder.stop()
    assert dispatcher_state() == before
    recorder.stop()
    assert dispatcher_state() == before


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


# --- recorders: nested, stopped, per thread and task -------------------------------


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


@pytest.mark.parametrize("first_to_stop", ["outer", "inner"])
def test_nested_recorders_each_record_while_they_are_on(first_to_stop):
    before = dispatcher_state()
    signal = Signal()
    outer, inner = SignalRecorder(), SignalRecorder()
    outer.start()
    signal.send(sender="outer only")
    inner.start()
    signal.send(sender="both")
    (outer if first_to_stop == "outer" else inner).stop()
    signal.send(sender=f"{'inner' if first_to_stop == 'outer' else 'outer'} only")
    outer.stop()
    inner.stop()
    signal.send(sender="neither")

    expected = {
        "outer": ["'outer only'", "'both'", "'outer only'"],
        "inner": ["'both'", "'inner only'"],
    }
    if first_to_stop == "outer":
        expected["outer"] = ["'outer only'", "'both'"]
    else:
        expected["inner"] = ["'both'"]
    assert [r.sender for r in outer.records] == expected["outer"]
    assert [r.sender for r in inner.records] == expected["inner"]
    assert dispatcher_state() == before


def test_a_recorder_started_again_keeps_its_records_and_clear_forgets_them():
    signal = Signal()
    recorder = SignalRecorder()
    with recorder:
        signal.send(sender="first")
    signal.send(sender="off")
    with recorder:
        signal.send(sender="second")
    assert [r.sender for r in recorder.records] == ["'first'", "'second'"]
    recorder.clear()
    assert recorder.records == []


def test_a_stopped_recorder_records_nothing_more_from_its_tasks():
    signal = Signal()
    recorder = SignalRecorder()

    async def scenario():
        go_on = asyncio.Event()

        async def child():
            await signal.asend(sender="child, while on")
            await go_on.wait()
            await signal.asend(sender="child, after stop")
            signal.send(sender="child, after stop")

        recorder.start()
        task = asyncio.create_task(child())  # copies the context: the recorder too
        await asyncio.sleep(0)
        recorder.stop()
        go_on.set()
        await task

    asyncio.run(scenario())
    assert [r.sender for r in recorder.records] == ["'child, while on'"]


def test_a_stopped_recorder_records_nothing_more_from_threads_it_started():
    signal = Signal()
    recorder = SignalRecorder()
    recorder.start()
    context = contextvars.copy_context()  # as asgiref's sync_to_async does
    sent, stopped = threading.Event(), threading.Event()

    def in_thread():
        signal.send(sender="thread, while on")
        sent.set()
        stopped.wait(5)
        signal.send(sender="thread, after stop")

    thread = threading.Thread(target=context.run, args=(in_thread,))
    thread.start()
    assert sent.wait(5)
    recorder.stop()
    stopped.set()
    thread.join(5)
    assert [r.sender for r in recorder.records] == ["'thread, while on'"]


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


# --- async sends, and what Django 6.1 changed in them -------------------------------


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


def test_several_failing_async_receivers_raise_what_django_raises():
    # Django 6.1 raises an ExceptionGroup when several async receivers fail
    # (5.2 raises the first failure); with a recorder on, exactly the same.
    signal = Signal()

    async def first(sender, **kwargs):
        raise KeyError("first")

    async def second(sender, **kwargs):
        raise IndexError("second")

    signal.connect(first)
    signal.connect(second)

    def outcome():
        try:
            async_to_sync(signal.asend)(sender=None)
        except BaseException as exc:
            return type(exc), sorted(
                type(e).__name__ for e in getattr(exc, "exceptions", [exc])
            )
        return None

    bare = outcome()
    with SignalRecorder() as recorder:
        recorded = outcome()
    assert recorded == bare
    (record,) = recorder.records
    assert record.raised == bare[0].__name__


def test_context_variables_set_by_async_receivers_reach_the_caller_as_without_a_recorder():
    # Django 6.1 copies them back to the caller of asend(); 5.2 does not.
    signal = Signal()
    variable = contextvars.ContextVar("set_by_receiver", default="unset")

    async def receiver(sender, **kwargs):
        variable.set("set")

    signal.connect(receiver, weak=False)

    async def seen_by_caller():
        await signal.asend(sender=None)
        return variable.get()

    bare = asyncio.run(seen_by_caller())
    with SignalRecorder() as recorder:
        recorded = asyncio.run(seen_by_caller())
    assert recorded == bare
    assert len(recorder.records) == 1


def test_sends_made_by_async_receivers_are_recorded_inside_their_send():
    outer, inner = Signal(), Signal()

    async def forwards(sender, **kwargs):
        await inner.asend(sender="inner")

    outer.connect(forwards, weak=False)
    with SignalRecorder() as recorder:
        async_to_sync(outer.asend)(sender="outer")
    assert [(r.sender, r.depth) for r in recorder.records] == [
        ("'outer'", 0),
        ("'inner'", 1),
    ]


# --- the task signals ------------------------------------------------------------------


def test_task_signals_are_recorded_with_their_path_and_the_task(alice, settings):
    from notify import tasks

    settings.NOTIFY_EMAIL_SECONDS = 0
    with SignalRecorder() as recorder:
        tasks.email_login_alert.enqueue(alice.pk, "127.0.0.1")
    sent = [r for r in recorder.records if r.name.startswith("task_")]
    assert [r.name for r in sent] == ["task_enqueued", "task_started", "task_finished"]
    try:
        import django.tasks.signals as module  # Django 6.0 and later
    except ImportError:
        import django_tasks.signals as module  # the backport, on 5.2
    assert {r.signal for r in sent} == {f"{module.__name__}.{r.name}" for r in sent}
    assert sent[0].sender.endswith("ImmediateBackend")
    assert [r.kwargs["task_result"] for r in sent] == [
        "<TaskResult: notify.tasks.email_login_alert READY>",
        "<TaskResult: notify.tasks.email_login_alert RUNNING>",
        "<TaskResult: notify.tasks.email_login_alert SUCCESSFUL>",
    ]


# --- use ------------------------------------------------------------------------------


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


def test_model_signals_are_named_where_django_defines_them():
    with SignalRecorder() as recorder:
        LoginRecord(remote_addr="127.0.0.1")
    assert [r.signal for r in recorder.records] == [
        f"django.db.models.signals.{name}" for name in ("pre_init", "post_init")
    ]
