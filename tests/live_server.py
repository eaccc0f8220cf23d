"""A real `manage.py runserver`, for the tests that need real threads and sockets.

Django's test client runs one request at a time, in the test's own thread: it
cannot show what parallel requests do to each other. The lockout under parallel
guessing, the toolbar under concurrent logins and the terminal under hostile
request lines are tested against the real thing: runserver (one thread per
request) on tests/live_settings.py, which are `make run`'s settings with two
instruments. DemoServer is the browser tests' LiveServer without the tutorial
build; Visitor is just enough of a browser.
"""

import http.client
import re
import sys
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from tests.browser.machinery import LiveServer, run_checked

LOGIN_URL = "/accounts/login/"
PASSWORD = "correct-horse-battery-staple"

CREATE_USERS = """
import sys
import django
django.setup()
from django.contrib.auth import get_user_model
for username in sys.argv[1:]:
    get_user_model().objects.create_user(username, password={password!r})
"""


class DemoServer(LiveServer):
    """runserver on a free port and a database of its own, with the demo data."""

    def __init__(self):
        super().__init__()
        self.env["DJANGO_SETTINGS_MODULE"] = "tests.live_settings"

    def build_tutorial(self):
        """Not needed: these tests use the demo's pages only."""

    def create_users(self, *usernames):
        """Accounts with the password PASSWORD."""
        code = CREATE_USERS.format(password=PASSWORD)
        run_checked([sys.executable, "-c", code, *usernames], self.env, timeout=60)

    def hashed_since(self, mark):
        """How many passwords the server hashed (checked) since ``mark``."""
        return sum(
            line == "[tests.counting_hasher] password hashed"
            for line in self.log.lines(mark)
        )


class Visitor:
    """One browser: its own cookies, and its own address on the loopback network.

    Every 127.x.y.z address reaches a server on 127.0.0.1, and the server sees
    it as REMOTE_ADDR: several visitors on one machine come from several
    client addresses, as they would on the internet.
    """

    def __init__(self, server, address="127.0.0.1"):
        self.server = server
        self.address = address
        self.cookies = {}

    def connect(self, timeout=120):
        """A connection to the server, open: a request sent on it starts at once.

        runserver accepts connections one at a time, into a queue of 10: many
        requests sent together on new connections would wait there, or be
        refused, instead of running side by side.
        """
        connection = http.client.HTTPConnection(
            "127.0.0.1",
            self.server.port,
            timeout=timeout,
            source_address=(self.address, 0),
        )
        connection.connect()
        return connection

    def request(self, method, path, fields=None, connection=None):
        """(status, headers, text) of one request; cookies kept, no redirect followed.

        On ``connection`` if given (see connect()), else on a new one.
        """
        response, text = exchange(
            connection or self.connect(), method, path, fields, self.cookies
        )
        return response.status, response.headers, text

    def login_form(self):
        """Open the login page; return the CSRF token of its form."""
        status, _, text = self.request("GET", LOGIN_URL)
        assert status == 200, status
        return csrf_token_in(text)

    def log_in(self, username, password, token, connection=None):
        """POST the login form; (status, page text)."""
        status, _, text = self.request(
            "POST",
            LOGIN_URL,
            {"username": username, "password": password, "csrfmiddlewaretoken": token},
            connection,
        )
        return status, text


def exchange(connection, method, path, fields, cookies):
    """Send one request on ``connection`` and close it: (response, its text).

    ``fields``, if not None, go as a form; ``cookies`` (a dict) are sent, and
    take in what the response sets, as a browser's cookie jar does.
    """
    headers = {"Host": f"{connection.host}:{connection.port}"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if fields is not None:
        body = urlencode(fields)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
    finally:
        connection.close()
    for header in response.headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(header).items():
            cookies[name] = morsel.value
    return response, text


def csrf_token_in(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
