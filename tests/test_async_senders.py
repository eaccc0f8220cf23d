"""Where Django itself sends with asend(): the async auth functions and the ASGI handler.

Each test connects an async receiver, awaits Django's coroutine, and checks that
the receiver was awaited in that coroutine's own event loop, through asend().
A plain send() called inside a coroutine could not run an async receiver at all:
async_to_sync() refuses to run in the thread of a running event loop.
"""

# --8<-- [start:imports]
import asyncio
from importlib import import_module

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth import aauthenticate, alogin, alogout
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_started


# --8<-- [end:imports]
# --8<-- [start:helper]
@pytest.fixture
def session_request(rf):
    request = rf.post("/accounts/login/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    return request  # what SessionMiddleware would give the view


def heard_in_the_callers_loop(signal, call):
    """Connect an async receiver to ``signal`` and run ``await call()``.

    Returns the keyword arguments the receiver got, and whether it was awaited
    in the event loop that awaited ``call()``.
    """
    heard = {}

    async def receiver(sender, **kwargs):
        heard["kwargs"] = kwargs
        heard["loop"] = asyncio.get_running_loop()

    async def caller():
        heard["caller's loop"] = asyncio.get_running_loop()
        await call()

    signal.connect(receiver)
    try:
        # async_to_sync(): the database work that Django hands to
        # sync_to_async() comes back to this thread and the test's transaction.
        async_to_sync(caller)()
    finally:
        signal.disconnect(receiver)
    return heard["kwargs"], heard["loop"] is heard["caller's loop"]


# --8<-- [end:helper]
# --8<-- [start:alogin]
@pytest.mark.django_db
def test_alogin_awaits_an_async_receiver_of_user_logged_in(alice, session_request):
    kwargs, same_loop = heard_in_the_callers_loop(
        user_logged_in, lambda: alogin(session_request, alice)
    )

    assert same_loop  # asend(): awaited in the caller's event loop
    assert kwargs["user"] == alice and kwargs["request"] is session_request


# --8<-- [end:alogin]
@pytest.mark.django_db
def test_alogout_sends_user_logged_out_with_asend(alice, session_request):
    async def auser():
        return alice

    session_request.auser = auser  # what AuthenticationMiddleware sets
    kwargs, same_loop = heard_in_the_callers_loop(
        user_logged_out, lambda: alogout(session_request)
    )

    assert same_loop
    assert kwargs["user"] == alice


@pytest.mark.django_db
def test_aauthenticate_sends_user_login_failed_with_asend(alice, session_request):
    kwargs, same_loop = heard_in_the_callers_loop(
        user_login_failed,
        lambda: aauthenticate(session_request, username="alice", password="wrong"),
    )

    assert same_loop
    assert kwargs["credentials"]["username"] == "alice"
    assert kwargs["credentials"]["password"] != "wrong"  # masked


# The handler's own receiver, close_old_connections(), looks at the test's
# database connection when the request starts.
@pytest.mark.django_db
def test_the_asgi_handler_sends_request_started_with_asend_and_the_scope():
    from tests.asgi_request import asgi_request

    scope, call, messages = asgi_request(ASGIHandler(), "/no-such-page/")

    kwargs, same_loop = heard_in_the_callers_loop(request_started, call)

    assert same_loop
    assert kwargs["scope"] is scope
    assert "environ" not in kwargs  # WSGI's request_started sends environ instead
    assert messages[0]["status"] == 404
