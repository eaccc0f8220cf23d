"""Load test: a real server process, concurrent logins and comments, nothing lost.

    make loadtest        (or: .venv/bin/python -m tests.load.run)

Starts `manage.py runserver` (threaded) on a free port of 127.0.0.1 with a
temporary SQLite database, then CLIENTS clients log in, comment and log out
LOGINS_PER_CLIENT times each, all at once; each client also fails one login
for its own user and two for a shared name. Then it checks that no response
was a 5xx, that every successful login left exactly one LoginRecord row and
one "[bar.signals] user_login" line, that every failed login was counted, that no
"database is locked" appeared, and stops the server. Bounded: a fixed number
of requests, a timeout on each, and a deadline for the whole run.

Environment: LOADTEST_CLIENTS (20), LOADTEST_LOGINS_PER_CLIENT (10),
LOADTEST_PORT (a free one), LOADTEST_DEADLINE seconds (180).
"""

import http.client
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

from tests.live_server import csrf_token_in, exchange

ROOT = Path(__file__).resolve().parent.parent.parent
CLIENTS = int(os.environ.get("LOADTEST_CLIENTS", "20"))
LOGINS_PER_CLIENT = int(os.environ.get("LOADTEST_LOGINS_PER_CLIENT", "10"))
DEADLINE = float(os.environ.get("LOADTEST_DEADLINE", "180"))
REQUEST_TIMEOUT = 30
PASSWORD = "load-test-password-1"
SHARED_NAME = "mallory"  # a name every client fails to log in as
SHARED_FAILURES_PER_CLIENT = 2


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """Just enough of a browser: cookies, the CSRF token, no redirects followed."""

    def __init__(self, port, stats):
        self.port = port
        self.stats = stats
        self.cookies = {}

    def request(self, method, path, fields=None):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT
        )
        response, text = exchange(connection, method, path, fields, self.cookies)
        self.stats.record(method, path, response.status)
        return response.status, response.headers.get("Location", ""), text

    def csrf_token(self, path):
        status, _, text = self.request("GET", path)
        assert status == 200, (path, status)
        return csrf_token_in(text)

    def log_in(self, username, password):
        token = self.csrf_token("/accounts/login/")
        status, location, _ = self.request(
            "POST",
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token},
        )
        return status, location


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = Counter()
        self.counts = Counter()

    def record(self, method, path, status):
        with self.lock:
            self.statuses[status] += 1

    def count(self, what):
        with self.lock:
            self.counts[what] += 1


def client_session(number, port, post_url, stats):
    browser = Browser(port, stats)
    username = f"load-user-{number}"
    for _ in range(SHARED_FAILURES_PER_CLIENT):
        status, _ = browser.log_in(SHARED_NAME, "wrong")
        stats.count("failed login (shared name)" if status == 200 else "unexpected")
    status, _ = browser.log_in(username, "wrong")
    stats.count("failed login (own name)" if status == 200 else "unexpected")
    for n in range(LOGINS_PER_CLIENT):
        status, location = browser.log_in(username, PASSWORD)
        if status == 302 and location == "/":
            stats.count("login")
        else:
            stats.count("unexpected")
            continue
        token = browser.csrf_token(post_url)
        status, _, _ = browser.request(
            "POST",
            f"{post_url}comments/",
            {"body": f"Comment {n} from {username}", "csrfmiddlewaretoken": token},
        )
        stats.count("comment" if status == 302 else "unexpected")
        status, _, _ = browser.request(
            "POST", "/accounts/logout/", {"csrfmiddlewaretoken": token}
        )
        stats.count("logout" if status == 302 else "unexpected")


def prepare_database():
    """Migrate the temporary database and create the users and a post."""
    import django
    from django.core.management import call_command

    django.setup()
    logging.disable(logging.INFO)  # the receivers' lines belong to the server's output
    call_command("migrate", verbosity=0, interactive=False)

    from django.contrib.auth import get_user_model
    from django.db import connections

    from blog.models import Post

    User = get_user_model()
    author = User.objects.create_user("load-author", password=PASSWORD)
    for number in range(CLIENTS):
        User.objects.create_user(f"load-user-{number}", password=PASSWORD)
    post = Post.objects.create(
        title="Load test", body="Comments go here.", author=author
    )
    url = post.get_absolute_url()
    connections.close_all()
    return url


def start_server(port, env, out, err):
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=err,
    )
    until = time.monotonic() + 30
    while time.monotonic() < until:
        if server.poll() is not None:
            raise SystemExit("The server stopped before it answered.")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/accounts/login/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("The server did not answer within 30 s.")


def stop_server(server):
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def main():
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="signals-loadtest-"))
    port = int(os.environ.get("LOADTEST_PORT") or free_port())
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "tests.load.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "load-test-secret-" + os.urandom(24).hex(),
        "LOADTEST_DATABASE": str(workdir / "db.sqlite3"),
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(env)
    post_url = prepare_database()

    stats = Stats()
    out_path, err_path = workdir / "server.out", workdir / "server.err"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        server = start_server(port, env, out, err)
        try:
            load_started = time.monotonic()
            with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
                futures = [
                    pool.submit(client_session, n, port, post_url, stats)
                    for n in range(CLIENTS)
                ]
                remaining = DEADLINE - (time.monotonic() - started)
                done, not_done = wait(futures, timeout=max(remaining, 1))
                for future in not_done:
                    future.cancel()
            load_seconds = time.monotonic() - load_started
        finally:
            stop_server(server)
    server_out, server_err = out_path.read_text(), err_path.read_text()

    from bar.models import LoginRecord
    from blog.models import Comment
    from lockout.counting import username_digest
    from lockout.models import ALL_ADDRESSES, FailedLogins

    logins = stats.counts["login"]
    bar_lines = sum(
        line.startswith("[bar.signals] user_login ") for line in server_out.splitlines()
    )
    records = LoginRecord.objects.count()
    comments = Comment.objects.count()
    # Each user name's counter of all client addresses: a successful login
    # clears the counter of its own address, not that one.
    # The counters hold digests of the names, keyed with the server's
    # SECRET_KEY, which this process has too (main() sets it for both).
    own_digests = [username_digest(f"load-user-{n}") for n in range(CLIENTS)]
    own_failures = sum(
        FailedLogins.objects.filter(
            username_digest__in=own_digests, client_address=ALL_ADDRESSES
        ).values_list("failures", flat=True)
    )
    shared = FailedLogins.objects.filter(
        username_digest=username_digest(SHARED_NAME), client_address=ALL_ADDRESSES
    ).first()
    from django.conf import settings

    # Every client comes from 127.0.0.1: the limit per name and address applies.
    expected_shared = min(
        CLIENTS * SHARED_FAILURES_PER_CLIENT, settings.LOGIN_LOCKOUT_LIMIT
    )
    requests = sum(stats.statuses.values())
    server_errors = sum(n for status, n in stats.statuses.items() if status >= 500)

    print(
        f"Load test: {CLIENTS} clients x {LOGINS_PER_CLIENT} logins, server on 127.0.0.1:{port}"
    )
    print(
        f"  requests: {requests} in {load_seconds:.1f} s ({requests / load_seconds:.0f}/s)"
    )
    print(f"  statuses: {dict(sorted(stats.statuses.items()))}")
    print(
        f"  successful logins: {logins}; LoginRecord rows: {records}; [bar.signals] lines: {bar_lines}"
    )
    print(f"  comments accepted: {stats.counts['comment']}; Comment rows: {comments}")
    print(
        f"  failed logins counted: own names {own_failures}/{CLIENTS}, "
        f"{SHARED_NAME!r} {shared.failures if shared else 0}/{expected_shared} (lockout limit)"
    )
    problems = []
    if not_done:
        problems.append(f"{len(not_done)} clients did not finish before the deadline")
    for future in done:
        if future.exception():
            problems.append(f"a client failed: {future.exception()!r}")
    if server_errors:
        problems.append(f"{server_errors} responses were 5xx")
    if stats.counts["unexpected"]:
        problems.append(f"{stats.counts['unexpected']} unexpected responses")
    if logins != CLIENTS * LOGINS_PER_CLIENT:
        problems.append(
            f"{logins} successful logins, expected {CLIENTS * LOGINS_PER_CLIENT}"
        )
    if not records == bar_lines == logins:
        problems.append("LoginRecord rows, [bar.signals] lines and logins differ")
    if comments != stats.counts["comment"]:
        problems.append("Comment rows and accepted comments differ")
    if own_failures != CLIENTS or (shared and shared.failures) != expected_shared:
        problems.append("failed logins were lost or over-counted")
    if "database is locked" in server_out + server_err:
        problems.append('the server reported "database is locked"')
    if "Traceback" in server_out + server_err:
        problems.append("the server printed a traceback")
    lost = (logins - records) + (stats.counts["comment"] - comments)
    print(f"  rows lost: {lost}; 5xx: {server_errors}")
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems))
        print(f"Server output kept in {workdir}")
        return 1
    for path in workdir.iterdir():
        path.unlink()
    workdir.rmdir()
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
