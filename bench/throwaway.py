"""A throwaway SQLite database, and a task worker process that uses it.

The benchmark and the worker test write thousands of rows and run a second
process; neither may touch the database a learner keeps in db.sqlite3.
"""

import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections

# WAL lets the worker read while this process writes; with WAL, synchronous=NORMAL
# is SQLite's recommended setting (no fsync at every commit, no corruption risk).
SQLITE_OPTIONS = {"init_command": "PRAGMA synchronous=NORMAL"}


@contextmanager
def throwaway_database():
    """Point this thread's default connection at a new, migrated SQLite file.

    Yields the file's path. The original connection is put back afterwards,
    untouched, and the file is deleted.
    """
    original = connections["default"]
    with tempfile.TemporaryDirectory(prefix="signal-bench-") as directory:
        path = Path(directory) / "db.sqlite3"
        # Connections are per thread: replacing this thread's one leaves the
        # original (in tests, pytest-django's database) as it was.
        wrapper = type(original)(
            {
                **original.settings_dict,
                "NAME": str(path),
                "OPTIONS": {**original.settings_dict["OPTIONS"], **SQLITE_OPTIONS},
            },
            original.alias,
        )
        connections[original.alias] = wrapper
        try:
            call_command("migrate", verbosity=0, interactive=False)
            with wrapper.cursor() as cursor:
                # Stored in the file: the worker's connections use WAL too.
                cursor.execute("PRAGMA journal_mode=WAL")
            yield path
        finally:
            wrapper.close()
            connections[original.alias] = original


def start_worker(database_path, *, interval=1.0, ready_timeout=30):
    """Start ``manage.py db_worker`` on ``database_path``, in a new process.

    ``interval`` is how long an idle worker sleeps between two looks at the
    queue (db_worker's default is 1 s); a busy worker takes the next task at once.
    Returns once the worker says it is polling the queue, so that its start-up
    (a whole Django set-up) does not compete with what is measured next.
    """
    log_path = Path(database_path).with_suffix(".worker.log")
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                # worker.py, beside this file, in whichever package holds both.
                f"{__package__}.worker",
                str(database_path),
                "--no-reload",
                "--no-startup-delay",
                f"--interval={interval}",
            ],
            cwd=settings.BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + ready_timeout
    while b"Starting worker" not in log_path.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            stop_worker(process)
            raise RuntimeError(f"The worker did not start:\n{log_path.read_text()}")
        time.sleep(0.05)
    return process


def stop_worker(process, timeout=10):
    """SIGTERM (the worker finishes the task it is running), then SIGKILL."""
    process.terminate()
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait(timeout)
