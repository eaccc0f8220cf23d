"""Requests no browser sends, against the real server (DEBUG and the toolbar on).

The in-process tests (tests/test_unreadable_requests.py) cover each DEBUG mode;
these check that `make run`'s own server, behind runserver's WSGI handler,
answers the same way, and logs no server error. Most are sent as raw bytes:
HTTP libraries refuse to send such requests.
"""

import re
import socket
import urllib.error
import urllib.request

import pytest

REFUSED_CHARSETS = ["utf8", "latin-1", "ascii", "utf-16"]


def post(url, body, content_type):
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.parametrize("charset", REFUSED_CHARSETS)
@pytest.mark.parametrize("path", ["/accounts/login/", "/"])
def test_form_in_another_charset_is_a_400_from_the_real_server(
    demo_server, server_log, path, charset
):
    since = server_log.mark()
    status, text = post(
        demo_server.url + path,
        "username=alice&password=x".encode(charset),
        f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert status == 400
    assert f"charset={charset}" in text and "must be UTF-8" in text
    server_log.wait_for(rf'"POST {path} HTTP/1.1" 400 ', since)
    lines = server_log.lines(since)
    assert not [line for line in lines if "Traceback" in line or '" 500 ' in line]


def send_raw(server, head, body=b""):
    """(status, body) of one request sent as written: ``head`` is its request
    line and headers, one per line, without the blank line that ends them."""
    request = head.replace(b"\n", b"\r\n") + b"\r\nConnection: close\r\n\r\n" + body
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body.decode(errors="replace")


def no_server_error(lines):
    return not [line for line in lines if "Traceback" in line or '" 500 ' in line]


# A non-ASCII byte reaches Django as the character of that byte in Latin-1.
@pytest.mark.parametrize("length", [b"abc", b"1e3", b"\xe9", b"-5"])
def test_a_content_length_not_in_digits_is_a_400_from_the_real_server(
    demo_server, server_log, length
):
    since = server_log.mark()
    status, text = send_raw(
        demo_server,
        b"POST /accounts/login/ HTTP/1.1\nHost: 127.0.0.1\n"
        b"Content-Type: application/x-www-form-urlencoded\n"
        b"Content-Length: " + length,
        b"username=alice&password=x",
    )
    assert status == 400
    assert "Content-Length" in text and "digits" in text
    server_log.wait_for(r'"POST /accounts/login/ HTTP/1.1" 400 ', since)
    assert no_server_error(server_log.lines(since))


@pytest.mark.parametrize("charset", ["zlib", "rot13", "hex", "base64"])
@pytest.mark.parametrize(
    "request_line",
    ["POST /accounts/login/?next=/x HTTP/1.1", "GET /?page=2 HTTP/1.1"],
)
def test_a_charset_python_cannot_decode_with_is_a_400_from_the_real_server(
    demo_server, server_log, request_line, charset
):
    since = server_log.mark()
    status, text = send_raw(
        demo_server,
        f"{request_line}\nHost: 127.0.0.1\n"
        f"Content-Type: text/plain; charset={charset}\nContent-Length: 3".encode(),
        b"abc",
    )
    assert status == 400
    assert f"charset={charset}" in text
    server_log.wait_for(rf'"{re.escape(request_line)}" 400 ', since)
    assert no_server_error(server_log.lines(since))


@pytest.mark.parametrize(
    "path",
    [
        "/static/../settings.py",
        "/static/..%2f..%2fmanage.py",
        "/static/%2e%2e/%2e%2e/manage.py",
    ],
)
def test_a_static_path_out_of_the_static_folders_is_a_400_from_the_real_server(
    demo_server, server_log, path
):
    since = server_log.mark()
    status, _ = send_raw(demo_server, f"GET {path} HTTP/1.1\nHost: 127.0.0.1".encode())
    assert status == 400
    server_log.wait_for(rf'"GET {re.escape(path)} HTTP/1.1" 400 ', since)
    lines = server_log.lines(since)
    # Logged once, by Django's django.security logger: its message, then its
    # traceback. Not by the WSGI server, which printed a traceback and answered 500.
    assert sum(line.startswith("The joined path") for line in lines) == 1
    assert sum(line.startswith("Traceback") for line in lines) == 1
    assert not [line for line in lines if '" 500 ' in line or "wsgiref" in line]
