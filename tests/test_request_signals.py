"""Chapter 8: what request_started carries under Django's two real handlers.

The test client's handlers only imitate WSGIHandler and ASGIHandler; these
tests call the real ones, as a WSGI or an ASGI server would. The page asked for
does not exist, so no view touches the database.
"""

import asyncio
from contextlib import contextmanager

from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from tests.asgi_request import asgi_request
from tests.signal_capture import capture_signal


@contextmanager
def keeping_the_test_database_open():
    # Django closes "old" database connections when a request starts and ends;
    # here that would be the test run's own connection. The test client
    # disconnects the same receiver for the same reason.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_wsgi_handler_sends_environ():
    environ = RequestFactory().get("/no-such-page/").environ
    with (
        keeping_the_test_database_open(),
        capture_signal(request_started) as started,
        capture_signal(request_finished) as finished,
    ):
        response = WSGIHandler()(environ, lambda status, headers: None)
        assert finished == []  # not yet: the server closes the response first
        response.close()

    (call,) = started
    assert call.sender is WSGIHandler
    assert set(call.kwargs) == {"environ"}
    assert call.kwargs["environ"]["PATH_INFO"] == "/no-such-page/"
    assert response.status_code == 404
    assert [(c.sender, c.kwargs) for c in finished] == [(WSGIHandler, {})]


def test_under_the_test_client_request_finished_has_no_sender(client):
    # The test client closes the response, as a server would, and close() sends
    # request_finished with the handler the response names: the client's handler
    # names none, so a receiver filtered on WSGIHandler never runs in tests.
    with capture_signal(request_finished) as finished:
        client.get("/no-such-page/")
    assert [call.sender for call in finished] == [None]


def test_asgi_handler_sends_scope_and_no_environ():
    _, serve, messages = asgi_request(ASGIHandler(), "/no-such-page/")
    with (
        keeping_the_test_database_open(),
        capture_signal(request_started) as started,
        capture_signal(request_finished) as finished,
    ):
        asyncio.run(serve())

    (call,) = started
    assert call.sender is ASGIHandler
    assert set(call.kwargs) == {"scope"}
    assert call.kwargs["scope"]["path"] == "/no-such-page/"
    assert messages[0]["status"] == 404
    assert [(c.sender, c.kwargs) for c in finished] == [(ASGIHandler, {})]
