"""Control characters that visitors send never reach the terminal raw.

runserver prints each request line as it was received (Django 5.2; Django 6.1
escapes it itself): an ESC sequence in a URL recolours or clears the learner's
terminal, a CR or a line break starts a line of the visitor's choosing. Every
handler that writes to the terminal escapes them (tutorial_site/logging_filters.py).
"""

import io
import logging
import re
import socket
import sys

import pytest
from django.conf import settings as django_settings

from tutorial_site import tasks_framework
from tutorial_site.logging_filters import EscapeControlCharacters

# Any C0 or C1 control character but the line break that ends each line.
RAW_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")

HOSTILE_REQUEST_LINES = {
    # sent (bytes)                                     printed
    b"GET /\x1b[31mred\x07 HTTP/1.1": r'"GET /\x1b[31mred\x07 HTTP/1.1" 404',
    b"GET /a\rFAKE HTTP/1.1": r'"GET /a\rFAKE HTTP/1.1" 400',
    b"GET /\x00nul\x7f HTTP/1.1": r'"GET /\x00nul\x7f HTTP/1.1" 404',
    b"GET /\x9b31mcsi HTTP/1.1": r'"GET /\x9b31mcsi HTTP/1.1" 404',
    b"GET /\x1b]0;new title\x07 HTTP/1.1": r'"GET /\x1b]0;new title\x07 HTTP/1.1" 400',
    b"\x1b[2J\x1b[H[bar.signals] user_login user='admin'": (
        r"""\x1b[2J\x1b[H[bar.signals] user_login user='admin'" 400"""
    ),
}


def send_raw(server, request_line):
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(request_line + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        while sock.recv(65536):
            pass


def test_hostile_request_lines_reach_the_terminal_escaped(real_server):
    mark = real_server.log.mark()

    for request_line in HOSTILE_REQUEST_LINES:
        send_raw(real_server, request_line)

    for printed in HOSTILE_REQUEST_LINES.values():
        real_server.log.wait_for(re.escape(printed), since=mark)
    lines = real_server.log.lines(mark)
    assert [line for line in lines if RAW_CONTROL.search(line)] == []
    assert not [line for line in lines if line.startswith("[bar.signals]")]
    # With DEBUG on, django.request reports each 404 too; Django escapes that one.
    assert r"Not Found: /\x1b[31mred\x07" in lines


# In-process: each logger the project's terminal shows, through the handlers
# that the settings give it.


@pytest.fixture
def terminal(settings):
    """What the configured handlers write: their streams, swapped for one buffer."""
    settings.DEBUG = True  # Django's console handler prints only while DEBUG is on
    buffer = io.StringIO()
    handlers = {
        handler
        for logger in [logging.getLogger(), *map(logging.getLogger, logger_names())]
        for handler in logger.handlers
        if isinstance(handler, logging.StreamHandler)
        and handler.stream in (sys.stdout, sys.stderr)
    }
    streams = {handler: handler.setStream(buffer) for handler in handlers}
    yield buffer
    for handler, stream in streams.items():
        handler.setStream(stream)


def logger_names():
    return [name for name in django_settings.LOGGING["loggers"] if name != ""]


HOSTILE = "\x1b[2J\x1b]0;pwned\x07line\r\n[bar.signals] user_login user='admin'"


@pytest.mark.parametrize(
    "logger_name",
    [
        "blog.signals",  # a receiver (apps_console, the root handler)
        "django.server",  # runserver's request lines
        "django.request",  # Django's console handler, while DEBUG is on
        "django.dispatch",  # send_robust()'s errors (errors_console)
        # The task framework's lines (worker_console): "django.tasks" from Django
        # 6.0, "django_tasks" for the backport on 5.2.
        tasks_framework.LOGGER,
    ],
)
def test_every_terminal_handler_escapes_control_characters(terminal, logger_name):
    logging.getLogger(logger_name).error("got %s", HOSTILE)

    printed = terminal.getvalue()
    assert printed.count("\n") == 1, printed  # one record, one line
    assert not RAW_CONTROL.search(printed.rstrip("\n"))
    assert r"\x1b[2J\x1b]0;pwned\x07line\r\n[bar.signals] user_login" in printed


def test_a_traceback_keeps_its_lines_and_loses_its_control_characters(terminal):
    try:
        raise ValueError("bad value \x1b[31mred\x07")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: /")

    printed = terminal.getvalue()
    assert printed.startswith("Internal Server Error: /\nTraceback (most recent call")
    assert r"ValueError: bad value \x1b[31mred\x07" in printed
    assert not RAW_CONTROL.search(printed)


def test_every_handler_that_writes_to_a_stream_escapes():
    handlers = django_settings.LOGGING["handlers"]
    streams = [name for name, h in handlers.items() if "StreamHandler" in h["class"]]
    assert set(streams) >= {
        "apps_console",
        "errors_console",
        "console",
        "django.server",
    }
    for name in streams:
        assert "escape_controls" in handlers[name]["filters"], name


# The filter itself.


def record(msg, *args, exc_info=None):
    return logging.LogRecord("x", logging.INFO, __file__, 1, msg, args, exc_info)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("\x1b[31m", r"\x1b[31m"),
        ("a\r\nb\tc", r"a\r\nb\tc"),
        ("\x00\x07\x7f\x9b", r"\x00\x07\x7f\x9b"),
        ("right\u202eleft", r"right\u202eleft"),
        ("\u2028", r"\u2028"),
        ("café, Łódź, 日本, emoji 🙂", "café, Łódź, 日本, emoji 🙂"),
        (r"C:\path\x1b", r"C:\path\x1b"),  # a backslash is text
    ],
)
def test_the_filter_escapes_control_characters_only(text, escaped):
    hostile = record("got %s", text)

    assert EscapeControlCharacters().filter(hostile) is True
    assert hostile.getMessage() == f"got {escaped}"


def test_escaping_twice_changes_nothing_more():
    hostile = record("got %s and %d%%", "\x1b", 5)
    EscapeControlCharacters().filter(hostile)
    EscapeControlCharacters().filter(hostile)

    assert hostile.getMessage() == r"got \x1b and 5%"
