"""What the browser tests and `make screenshots` share: Chromium and a real server.

Nothing here imports Django or touches its ORM. Playwright's sync API keeps an
asyncio event loop running in the test thread, and Django refuses ORM calls from
such a thread (SynchronousOnlyOperation). So the server runs in its own process
and the tests look at its effects from outside: what it prints, and its SQLite
file read with the standard library.
"""

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Debian's Chromium (apt-get install chromium). Playwright must never download a
# browser of its own, so there is no fallback to its bundled builds.
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))

DEMO_USERNAME = "alice"
DEMO_PASSWORD = "learn-signals-42"  # blog/management/commands/load_demo_data.py


# Where Chromium sends every request for another machine: a port on this one
# where nothing listens (9, "discard"), so such a request fails at once. Chromium
# never sends loopback addresses (127.0.0.1, localhost, [::1]) to a proxy.
DEAD_PROXY = "http://127.0.0.1:9"


def chromium_launch_options():
    """Options for ``playwright.chromium.launch()``: Debian's binary, kept quiet,
    and unable to reach anything but this machine."""
    args = [
        # Cheaper than intercepting each request with page.route(), which sends
        # every one of them through Python and back (about a third more CPU).
        f"--proxy-server={DEAD_PROXY}",
        "--disable-gpu",
        # Every page is on one site (this machine), so one renderer process is
        # enough; a new one for each test's page costs CPU on a small machine.
        "--renderer-process-limit=1",
        "--disable-site-isolation-trials",
        # No calls home: updates, sync, field trials, safe-browsing lists.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
    ]
    if os.geteuid() == 0:
        # Chromium's sandbox refuses to start as root.
        args.insert(0, "--no-sandbox")
    return {"executable_path": str(CHROMIUM), "args": args}


def is_loopback_url(url):
    """True for URLs the browser may load: this machine's server, data: and blob:."""
    if not url.startswith(("http://", "https://", "ws://", "wss://")):
        return True
    host = url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)[0]
    return host in {"127.0.0.1", "localhost", "[::1]"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(workdir):
    """The server's environment: like `make run`, on files of its own.

    PYTEST_* variables are dropped so that settings which switch things off
    under pytest (the debug toolbar documents such a switch) see a normal run.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_"))
    }
    env.update(
        # E2E_DJANGO_SETTINGS_MODULE lets you try the tests on other settings.
        DJANGO_SETTINGS_MODULE=os.environ.get(
            "E2E_DJANGO_SETTINGS_MODULE", "tutorial_site.settings"
        ),
        DJANGO_DEBUG="1",
        DJANGO_DB_PATH=str(workdir / "db.sqlite3"),
        DJANGO_TUTORIAL_SITE_DIR=str(workdir / "site"),
        # Receivers log to stdout; unbuffered, each line reaches the file at once.
        PYTHONUNBUFFERED="1",
    )
    return env


def mkdocs_config_file():
    # E2E_MKDOCS_CONFIG lets you try the tutorial tests on another configuration.
    return Path(os.environ.get("E2E_MKDOCS_CONFIG", ROOT / "mkdocs.yml"))


def run_checked(args, env, timeout):
    result = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


DESCRIBE_SERVER = """
import importlib.util, json
import django
django.setup()
from django.conf import settings
apps = list(settings.INSTALLED_APPS)
panels = []
if "debug_toolbar" in apps:
    from debug_toolbar.settings import get_panels
    panels = list(get_panels())
try:
    signal_watch = importlib.util.find_spec("signal_watch.panels") is not None
except ModuleNotFoundError:
    signal_watch = False
print(json.dumps({
    "installed_apps": apps,
    "toolbar_panels": panels,
    "signal_watch_panels": signal_watch,
}))
"""


class ServerLog:
    """The server's terminal (stdout and stderr), as a file the tests can read."""

    def __init__(self, path):
        self.path = path

    def mark(self):
        """Where the log ends now: pass it as ``since`` to read only what follows."""
        return self.path.stat().st_size

    def lines(self, since=0):
        with self.path.open("rb") as log:
            log.seek(since)
            return log.read().decode(errors="replace").splitlines()

    def signal_lines(self, since=0):
        """Only the lines the project's receivers print ("[blog.signals] ...")."""
        return [
            line
            for line in self.lines(since)
            if line.startswith(("[foo.", "[bar.", "[blog."))
        ]

    def wait_for(self, pattern, since=0, timeout=10, count=1):
        """The ``count``-th line after ``since`` that matches ``pattern`` (a regex)."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            matches = [line for line in self.lines(since) if regex.search(line)]
            if len(matches) >= count:
                return matches[count - 1]
            if time.monotonic() > deadline:
                tail = "\n".join(self.lines(since)[-30:])
                raise AssertionError(
                    f"no line matching {pattern!r} within {timeout} s; "
                    f"the server printed:\n{tail}"
                )
            time.sleep(0.05)


class PortTaken(RuntimeError):
    """runserver could not bind its port: someone took it first."""


class LiveServer:
    """``manage.py runserver`` on a free loopback port, a throwaway database and
    a fresh build of the tutorial; stopped by ``stop()``.

    Start-up: migrate, load_demo_data, mkdocs build, runserver, then wait until
    the login page answers. Every step has a time limit.
    """

    # A free port is free only until someone binds it: another test run on this
    # machine (make test runs two at once) may take it between free_port() and
    # runserver. runserver then exits at once, and start() tries another.
    PORT_ATTEMPTS = 5

    def __init__(self, port=None, workdir=None):
        # E2E_PORT picks the port; by default, any free one on 127.0.0.1, chosen
        # as the server starts.
        self.fixed_port = port or int(os.environ.get("E2E_PORT") or 0) or None
        self.port = self.fixed_port
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="e2e-")
        self.workdir = Path(workdir or self._tmp.name)
        self.env = server_environment(self.workdir)
        self.log = ServerLog(self.workdir / "server.log")
        self.db_path = self.workdir / "db.sqlite3"
        self.site_dir = self.workdir / "site"
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=30):
        manage = [sys.executable, str(ROOT / "manage.py")]
        run_checked([*manage, "migrate", "--noinput"], self.env, timeout=120)
        run_checked([*manage, "load_demo_data"], self.env, timeout=60)
        self.build_tutorial()
        self.serve(timeout)
        return self

    def serve(self, timeout=30):
        """Start runserver on the port, or on a free one; wait until it answers."""
        for attempt in range(1, self.PORT_ATTEMPTS + 1):
            self.port = self.fixed_port or free_port()
            self._run_server([sys.executable, str(ROOT / "manage.py")])
            try:
                self._wait_until_ready(timeout)
                return
            except PortTaken:
                if self.fixed_port or attempt == self.PORT_ATTEMPTS:
                    raise

    def _run_server(self, manage):
        if self.process:
            self._log_file.close()
        self._log_file = self.log.path.open("wb")
        self.process = subprocess.Popen(
            [*manage, "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def build_tutorial(self):
        mkdocs = Path(sys.executable).with_name("mkdocs")
        run_checked(
            [
                str(mkdocs),
                "build",
                "--strict",
                "--quiet",
                "--config-file",
                str(mkdocs_config_file()),
                "--site-dir",
                str(self.site_dir),
            ],
            {**self.env, "NO_MKDOCS_2_WARNING": "1"},
            timeout=120,
        )

    def _wait_until_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                printed = "\n".join(self.log.lines())
                error = (
                    PortTaken if "port is already in use" in printed else RuntimeError
                )
                raise error("the server exited at start-up:\n" + printed)
            try:
                with urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer within {timeout} s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process:
            self._log_file.close()
        if self._tmp:
            self._tmp.cleanup()

    def query(self, sql, params=()):
        """Rows from the server's database, read-only, without Django's ORM."""
        uri = f"{self.db_path.as_uri()}?mode=ro"
        # closing(): a connection's own `with` ends a transaction but leaves the
        # connection open, and Python 3.13 warns about it (ResourceWarning).
        with closing(sqlite3.connect(uri, uri=True, timeout=5)) as connection:
            return connection.execute(sql, params).fetchall()

    def describe(self):
        """What the server runs with: its apps, its toolbar panels (if any), and
        whether the "signals sent" panel module (signal_watch.panels) exists."""
        if not hasattr(self, "_description"):
            output = run_checked(
                [sys.executable, "-c", DESCRIBE_SERVER], self.env, timeout=60
            )
            self._description = json.loads(output.strip().splitlines()[-1])
        return self._description

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
