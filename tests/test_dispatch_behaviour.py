"""How Django's dispatcher calls receivers: the facts chapter 9 relies on.

Each test uses a signal of its own, so nothing here touches the project's receivers.
"""

# --8<-- [start:imports]
import asyncio
import contextvars
import threading
import traceback

import django
import pytest
from asgiref.sync import sync_to_async
from django.dispatch import Signal

# Django 6.1 runs asend()'s two groups one after the other and the async
# receivers in an asyncio.TaskGroup (asyncio.gather() before).
DJANGO_6_1 = django.VERSION >= (6, 1)
on_django_6_1 = pytest.mark.skipif(
    not DJANGO_6_1, reason="Django 6.1 behaviour (asyncio.TaskGroup)"
)
before_django_6_1 = pytest.mark.skipif(
    DJANGO_6_1, reason="behaviour before Django 6.1 (asyncio.gather)"
)


# --8<-- [end:imports]
# --8<-- [start:robust_responses]
def test_send_robust_returns_the_exception_with_its_traceback():
    ping = Signal()

    def answer(sender, **kwargs):
        return "pong"

    def explode(sender, **kwargs):
        raise ValueError("receiver bug")

    ping.connect(answer)
    ping.connect(explode)

    (first, first_response), (second, error) = ping.send_robust(sender=None)

    assert (first, first_response) == (answer, "pong")
    assert second is explode
    assert isinstance(error, ValueError)
    # The exception keeps its traceback: format it, log it, re-raise it.
    assert error.__traceback__ is not None
    assert 'raise ValueError("receiver bug")' in "".join(
        traceback.format_exception(error)
    )


# --8<-- [end:robust_responses]
def test_send_raises_and_skips_the_receivers_after_the_failing_one():
    ping = Signal()
    ran = []

    def explode(sender, **kwargs):
        raise ValueError("receiver bug")

    ping.connect(explode)
    ping.connect(lambda sender, **kwargs: ran.append("after"), weak=False)

    with pytest.raises(ValueError, match="receiver bug"):
        ping.send(sender=None)
    assert ran == []


def test_send_robust_catches_exception_but_not_base_exception():
    ping = Signal()

    def interrupt(sender, **kwargs):
        raise KeyboardInterrupt

    ping.connect(interrupt)
    with pytest.raises(KeyboardInterrupt):
        ping.send_robust(sender=None)


# --8<-- [start:sync_then_async]
def test_send_calls_sync_receivers_first_then_async_ones_together():
    ping = Signal()
    order = []
    both_started = None  # an asyncio.Event, created inside the event loop

    def sync_one(sender, **kwargs):
        order.append("sync_one")
        return 1

    async def async_one(sender, **kwargs):
        nonlocal both_started
        order.append("async_one starts")
        both_started = asyncio.Event()
        await asyncio.wait_for(both_started.wait(), timeout=5)
        order.append("async_one ends")
        return 2

    def sync_two(sender, **kwargs):
        order.append("sync_two")
        return 3

    async def async_two(sender, **kwargs):
        # async_one is still waiting: the two run concurrently (asyncio.gather).
        order.append("async_two")
        both_started.set()
        return 4

    for receiver in (sync_one, async_one, sync_two, async_two):
        ping.connect(receiver)

    responses = ping.send(sender=None)  # from sync code: async_to_sync()

    assert order == [
        "sync_one",
        "sync_two",
        "async_one starts",
        "async_two",
        "async_one ends",
    ]
    assert responses == [(sync_one, 1), (sync_two, 3), (async_one, 2), (async_two, 4)]


# --8<-- [end:sync_then_async]
# --8<-- [start:threads]
def test_send_runs_sync_receivers_in_the_callers_thread_async_ones_in_another():
    ping = Signal()
    threads = {}

    def sync_receiver(sender, **kwargs):
        threads["sync"] = threading.get_ident()

    async def async_receiver(sender, **kwargs):
        threads["async"] = threading.get_ident()

    ping.connect(sync_receiver)
    ping.connect(async_receiver)

    ping.send(sender=None)  # from sync code, with no event loop running

    # The sync receiver is a plain call. For the async one, async_to_sync()
    # starts an event loop in a new thread, and send() waits for it there.
    assert threads["sync"] == threading.get_ident()
    assert threads["async"] != threading.get_ident()


def test_send_under_an_event_loop_runs_async_receivers_in_that_loop():
    # A sync view under ASGI runs in sync_to_async(): then send() hands its
    # async receivers to the server's event loop, and its thread waits.
    ping = Signal()
    seen = {}

    async def async_receiver(sender, **kwargs):
        seen["receiver's loop"] = asyncio.get_running_loop()

    ping.connect(async_receiver)

    def sync_view():
        ping.send(sender=None)

    async def server():
        seen["server's loop"] = asyncio.get_running_loop()
        await sync_to_async(sync_view)()

    asyncio.run(server())

    assert seen["receiver's loop"] is seen["server's loop"]


# --8<-- [end:threads]
# --8<-- [start:asend]
def test_asend_runs_sync_receivers_in_a_worker_thread():
    ping = Signal()
    threads = {}

    def sync_receiver(sender, **kwargs):
        threads["sync"] = threading.get_ident()
        return "from a thread"

    async def async_receiver(sender, **kwargs):
        threads["async"] = threading.get_ident()
        return "from the event loop"

    ping.connect(sync_receiver)
    ping.connect(async_receiver)

    async def main():
        threads["loop"] = threading.get_ident()
        return await ping.asend(sender=None)

    responses = asyncio.run(main())

    # sync_to_async() moved the sync receiver off the event loop's thread.
    assert threads["async"] == threads["loop"]
    assert threads["sync"] != threads["loop"]
    assert responses == [
        (sync_receiver, "from a thread"),
        (async_receiver, "from the event loop"),
    ]


# --8<-- [end:asend]
def test_asend_robust_returns_errors_from_both_kinds_of_receiver():
    ping = Signal()

    def sync_explode(sender, **kwargs):
        raise ValueError("sync bug")

    async def async_explode(sender, **kwargs):
        raise ValueError("async bug")

    ping.connect(sync_explode)
    ping.connect(async_explode)

    responses = asyncio.run(ping.asend_robust(sender=None))

    assert [(r, str(e)) for r, e in responses] == [
        (sync_explode, "sync bug"),
        (async_explode, "async bug"),
    ]


def test_asend_propagates_the_first_error():
    ping = Signal()

    async def async_explode(sender, **kwargs):
        raise ValueError("async bug")

    ping.connect(async_explode)
    with pytest.raises(ValueError, match="async bug"):
        asyncio.run(ping.asend(sender=None))


# --8<-- [start:use_caching]
def test_use_caching_remembers_receivers_per_sender_until_connect_changes():
    ping = Signal(use_caching=True)

    class Sender:
        pass

    def first(sender, **kwargs):
        return "first"

    def second(sender, **kwargs):
        return "second"

    ping.connect(first, sender=Sender)
    assert ping.send(sender=Sender) == [(first, "first")]
    assert Sender in ping.sender_receivers_cache  # looked up once, then reused

    ping.connect(second, sender=Sender)  # connect() empties the cache
    assert ping.send(sender=Sender) == [(first, "first"), (second, "second")]


def test_use_caching_refuses_a_none_sender_once_a_receiver_is_connected():
    # The cache is a WeakKeyDictionary keyed by sender, and None cannot be
    # weakly referenced. With nobody connected, send() returns before it looks
    # at the cache; once anyone is connected (for any sender), it looks, and fails.
    ping = Signal(use_caching=True)
    assert ping.send(sender=None) == []

    class Sender:
        pass

    def only_for_sender(sender, **kwargs):
        return "heard"

    ping.connect(only_for_sender, sender=Sender)
    with pytest.raises(TypeError, match="weak reference"):
        ping.send(sender=None)
    with pytest.raises(TypeError, match="weak reference"):
        ping.send(sender="a string")
    assert ping.send(sender=Sender) == [(only_for_sender, "heard")]


# --8<-- [end:use_caching]
# Django 6.1: asend() and the async receivers ------------------------------------------


# --8<-- [start:asend_order_6_1]
@on_django_6_1
def test_asend_runs_the_sync_receivers_first_then_the_async_ones():
    ping = Signal()
    order = []

    async def async_receiver(sender, **kwargs):
        order.append("async receiver")

    def sync_receiver(sender, **kwargs):
        order.append("sync receiver")

    ping.connect(async_receiver)  # connected first, and still called last
    ping.connect(sync_receiver)
    asyncio.run(ping.asend(sender=None))

    assert order == ["sync receiver", "async receiver"]


@before_django_6_1
def test_before_6_1_asend_runs_the_sync_group_beside_the_async_one():
    ping = Signal()
    async_ran = threading.Event()

    async def async_receiver(sender, **kwargs):
        async_ran.set()

    def sync_receiver(sender, **kwargs):
        # In its worker thread, while the event loop runs the async receiver.
        return async_ran.wait(timeout=5)

    ping.connect(sync_receiver)
    ping.connect(async_receiver)
    responses = asyncio.run(ping.asend(sender=None))

    assert responses[0] == (sync_receiver, True)


# --8<-- [end:asend_order_6_1]
# --8<-- [start:context_6_1]
request_id = contextvars.ContextVar("request_id", default=None)
user_name = contextvars.ContextVar("user_name", default=None)


async def set_request_id(sender, **kwargs):
    request_id.set("set by an async receiver")


def set_user_name(sender, **kwargs):
    user_name.set("set by a sync receiver")


async def send_and_read_the_variables():
    ping = Signal()
    ping.connect(set_request_id)
    ping.connect(set_user_name)
    await ping.asend(sender=None)
    return request_id.get(), user_name.get()


@on_django_6_1
def test_context_variables_set_by_receivers_reach_the_caller():
    assert asyncio.run(send_and_read_the_variables()) == (
        "set by an async receiver",
        "set by a sync receiver",
    )


@before_django_6_1
def test_before_6_1_context_variables_set_by_receivers_are_lost():
    assert asyncio.run(send_and_read_the_variables()) == (None, None)


# --8<-- [end:context_6_1]
# --8<-- [start:errors_6_1]
async def invalid_value(sender, **kwargs):
    raise ValueError("invalid value")


async def missing_key(sender, **kwargs):
    raise KeyError("missing key")


@on_django_6_1
def test_several_async_failures_raise_one_exception_group():
    ping = Signal()
    ping.connect(invalid_value)
    ping.connect(missing_key)
    handled = []

    async def view():
        try:
            await ping.asend(sender=None)
        except* ValueError as group:  # each kind of error handled on its own
            handled.extend(group.exceptions)
        except* KeyError as group:
            handled.extend(group.exceptions)

    asyncio.run(view())
    assert sorted(map(repr, handled)) == [
        "KeyError('missing key')",
        "ValueError('invalid value')",
    ]


@on_django_6_1
def test_send_too_raises_an_exception_group_for_several_async_failures():
    ping = Signal()
    ping.connect(invalid_value)
    ping.connect(missing_key)
    with pytest.raises(ExceptionGroup) as caught:
        ping.send(sender=None)  # from sync code: async_to_sync() around a TaskGroup
    assert len(caught.value.exceptions) == 2


@before_django_6_1
def test_before_6_1_several_async_failures_raise_only_the_first():
    ping = Signal()
    ping.connect(invalid_value)
    ping.connect(missing_key)
    with pytest.raises(ValueError, match="invalid value"):
        asyncio.run(ping.asend(sender=None))


# --8<-- [end:errors_6_1]
# --8<-- [start:cancel_6_1]
async def send_while_a_slow_receiver_runs(signal):
    """What became of a slow async receiver when a quick one failed."""
    fate = []

    async def slow(sender, **kwargs):
        try:
            await asyncio.sleep(0.2)
            fate.append("finished")
        except asyncio.CancelledError:
            fate.append("cancelled")
            raise

    async def quick_failure(sender, **kwargs):
        raise ValueError("quick failure")

    signal.connect(slow, weak=False)
    signal.connect(quick_failure, weak=False)
    with pytest.raises(ValueError, match="quick failure"):
        await signal.asend(sender=None)
    await asyncio.sleep(0.3)  # time enough for it to finish, if it still runs
    return fate


@on_django_6_1
def test_a_failing_async_receiver_cancels_the_others():
    assert asyncio.run(send_while_a_slow_receiver_runs(Signal())) == ["cancelled"]


@before_django_6_1
def test_before_6_1_the_other_async_receivers_run_on_after_a_failure():
    assert asyncio.run(send_while_a_slow_receiver_runs(Signal())) == ["finished"]


# --8<-- [end:cancel_6_1]
