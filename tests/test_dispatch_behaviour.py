"""How Django's dispatcher calls receivers: the facts chapter 9 relies on.

Each test uses a signal of its own, so nothing here touches the project's receivers.
"""

# --8<-- [start:imports]
import asyncio
import threading
import time
import traceback

import django
import pytest
from asgiref.sync import sync_to_async
from django.dispatch import Signal

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


@pytest.mark.skipif(django.VERSION >= (6, 1), reason="Django 6.1 runs them in turn")
def test_asend_before_django_6_1_runs_the_async_receivers_beside_the_sync_group():
    ping = Signal()
    async_started = threading.Event()
    seen = {}

    def sync_receiver(sender, **kwargs):
        # In its worker thread, waiting for the async receiver to start.
        seen["async ran meanwhile"] = async_started.wait(timeout=5)

    async def async_receiver(sender, **kwargs):
        async_started.set()

    ping.connect(sync_receiver)
    ping.connect(async_receiver)
    asyncio.run(ping.asend(sender=None))

    assert seen == {"async ran meanwhile": True}


@pytest.mark.skipif(django.VERSION < (6, 1), reason="before 6.1 they run together")
def test_asend_from_django_6_1_runs_the_sync_group_first_then_the_async_receivers():
    ping = Signal()
    order = []

    def sync_receiver(sender, **kwargs):
        order.append("sync starts")
        time.sleep(0.05)  # time enough for an async receiver to start, if it could
        order.append("sync ends")

    async def async_receiver(sender, **kwargs):
        order.append("async")

    ping.connect(sync_receiver)
    ping.connect(async_receiver)
    asyncio.run(ping.asend(sender=None))

    assert order == ["sync starts", "sync ends", "async"]


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
