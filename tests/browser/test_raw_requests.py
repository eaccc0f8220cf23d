"""Requests no browser sends, against the real server (DEBUG and the toolbar on).

The in-process tests (tests/test_form_charset.py) cover each DEBUG mode; these
check that `make run`'s own server, behind runserver's WSGI handler, answers
the same way, and logs no server error.
"""

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
