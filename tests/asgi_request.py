"""Calling an ASGI application as an ASGI server would, for one HTTP request."""

import asyncio


def asgi_request(application, path, *, method="GET", headers=(), body=b""):
    """(scope, call, messages) for one request to ``application``.

    ``await call()`` runs the request; ``messages`` collects what the
    application sends back (``messages[0]["status"]``, then the body). The
    client sends ``body`` and then stays connected, as a browser waiting for
    the answer does.
    """
    path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "query_string": query.encode(),
        "headers": [(b"host", b"testserver"), *headers],
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
    }
    messages = []
    body_sent = False

    async def receive():
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the client stays connected

    async def send(message):
        messages.append(message)

    async def call():
        await application(scope, receive, send)

    return scope, call, messages
