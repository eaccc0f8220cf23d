"""Replay chapter 3 on the starter project, and write (or check) what it prints.

    .venv-starter/bin/python scripts/starter_outputs.py            write the files
    .venv-starter/bin/python scripts/starter_outputs.py --check    compare, exit 1 if stale

Run it with the Python of a virtualenv that holds only starter/requirements.txt
(`make test-starter` does, with one on Django 5.2 and one on Django 6.1). In a
temporary folder it types what the chapter says: startproject and startapp, then,
in a copy of starter/ without its migrations, makemigrations, migrate,
createsuperuser, a login through the real runserver, `manage.py test` and
`pytest`. What they print goes to docs/outputs/starter/<name>.txt, which the
chapter includes; an output that differs between the two Djangos (or the two
Pythons under them) is written once per Django, as <name>-django5.2.txt.

The only thing changed in what is written: the temporary folder's path is shown
as ~/signals-project. Run times and the Python of pytest's first line are left
out of the comparison. --check also fails when an output file is shown on no page.
"""

import difflib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STARTER = ROOT / "starter"
OUTPUTS = ROOT / "docs" / "outputs" / "starter"
CHAPTER = ROOT / "docs" / "chapters" / "03-your-own-project.md"
# Outputs that name versions, or that differ between Python 3.11 and 3.12+.
PER_DJANGO = {"django-version", "manage-py-test", "pytest"}
PASSWORD = "a-long-pass-for-alice"
# Left out of the comparison: run times, and the line pytest starts with, which
# names the machine's system and the exact Python.
VARIES = re.compile(r" in \d+\.\d+s|^platform .*$", re.MULTILINE)
ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PYTEST"))},
    "PYTHONUNBUFFERED": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
}


def run(args, cwd, **env):
    """Run a command as the learner would, stdout and stderr in one stream."""
    result = subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env={**ENV, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed in {cwd}:\n{result.stdout}")
    return result.stdout


def new_project(folder):
    """startproject and two startapp: the files they leave, one per line."""
    folder.mkdir()
    printed = run(["-m", "django", "startproject", "mysite", "."], folder)
    printed += run(["manage.py", "startapp", "accounts"], folder)
    printed += run(["manage.py", "startapp", "audit"], folder)
    assert printed == "", f"the chapter says these print nothing: {printed!r}"
    files = sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )
    return "\n".join(files) + "\n"


class Server:
    """`manage.py runserver` on a free port, its terminal read line by line."""

    def __init__(self, project):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                f"127.0.0.1:{self.port}",
                "--noreload",
            ],
            cwd=project,
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines = []
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for("Quit the server with")
        self.browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar())
        )

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text, timeout=30):
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"no {text!r} from runserver:\n" + self.terminal())
            time.sleep(0.05)

    def terminal(self):
        return "\n".join(self.lines)

    def open(self, path, data=None):
        url = f"http://127.0.0.1:{self.port}{path}"
        body = urllib.parse.urlencode(data).encode() if data else None
        with self.browser.open(url, body) as response:
            return response.geturl(), response.read().decode()

    def log_in(self, username, password):
        """What a browser does: get the form (and its CSRF token), post it."""
        _url, page = self.open("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        form = {"csrfmiddlewaretoken": token, "username": username}
        return self.open("/accounts/login/", {**form, "password": password})

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def receiver_lines(terminal):
    """The lines the project's receivers log, e.g. "[audit.receivers] ..."."""
    return [line for line in terminal if line.startswith(("[accounts.", "[audit."))]


def log_in_through_runserver(project):
    server = Server(project)
    try:
        url, _page = server.log_in("alice", "not-her-password")
        assert url.endswith("/accounts/login/"), url
        server.wait_for('"POST /accounts/login/ HTTP/1.1" 200')
        assert receiver_lines(server.lines) == [], "a failed login printed a line"
        url, page = server.log_in("alice", PASSWORD)
        assert url.endswith("/accounts/profile/"), url
        assert "Your profile was created on" in page
        server.wait_for('"GET /accounts/profile/ HTTP/1.1" 200')
    finally:
        server.stop()
    assert f"development server at http://127.0.0.1:{server.port}/" in (
        server.terminal()
    )
    return "\n".join(receiver_lines(server.lines)) + "\n"


def replay(workdir):
    """Every output of the chapter, by name."""
    outputs = {
        "django-version": run(["-m", "django", "--version"], workdir),
        "project-files": new_project(workdir / "new-project"),
    }
    # The finished project, minus the migrations the chapter makes.
    project = workdir / "signals-project"
    shutil.copytree(
        STARTER,
        project,
        ignore=shutil.ignore_patterns(
            ".venv*", "db.sqlite3*", "__pycache__", ".pytest_cache", "0*_*.py"
        ),
    )
    outputs["makemigrations-accounts"] = run(
        ["manage.py", "makemigrations", "accounts"], project
    )
    outputs["migrate-first"] = run(["manage.py", "migrate"], project)
    outputs["createsuperuser"] = run(
        [
            "manage.py",
            "createsuperuser",
            "--noinput",
            "--username",
            "alice",
            "--email",
            "alice@example.com",
        ],
        project,
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    outputs["makemigrations-audit"] = run(
        ["manage.py", "makemigrations", "audit"], project
    )
    outputs["migrate-audit"] = run(["manage.py", "migrate"], project)
    outputs["runserver-login"] = log_in_through_runserver(project)
    outputs["manage-py-test"] = run(["manage.py", "test"], project)
    outputs["pytest"] = run(["-m", "pytest"], project)
    # The migrations just made are the ones starter/ has.
    for app in ("accounts", "audit"):
        run(["manage.py", "makemigrations", "--check", "--dry-run", app], STARTER)
    return {name: text.replace(str(workdir), "~") for name, text in outputs.items()}


def file_name(name, django_version):
    suffix = f"-django{django_version}" if name in PER_DJANGO else ""
    return f"{name}{suffix}.txt"


def main(check):
    version = run(["-c", "import django; print(django.get_version())"], ROOT)
    django_version = ".".join(version.split(".")[:2])
    with tempfile.TemporaryDirectory() as workdir:
        outputs = replay(Path(workdir))
    files = {file_name(name, django_version): text for name, text in outputs.items()}
    if not check:
        OUTPUTS.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            path = OUTPUTS / name
            old = path.read_text() if path.exists() else ""
            if VARIES.sub("", old) != VARIES.sub("", text):  # more than what varies
                path.write_text(text)
        print(f"Wrote {len(files)} files to {OUTPUTS.relative_to(ROOT)}")
        return 0

    stale = []
    for name, text in files.items():
        committed = OUTPUTS / name
        old = committed.read_text() if committed.exists() else ""
        if VARIES.sub("", old) != VARIES.sub("", text):
            stale.append(name)
            sys.stdout.writelines(
                difflib.unified_diff(
                    old.splitlines(True), text.splitlines(True), name, "now"
                )
            )
    chapter = CHAPTER.read_text()
    unused = [p.name for p in OUTPUTS.glob("*.txt") if p.name not in chapter]
    if stale or unused:
        print(f"Stale: {stale}; shown on no page: {unused}.")
        print("Run `make starter-outputs`.")
        return 1
    print(f"Django {django_version}: the chapter's {len(files)} outputs are current.")
    return 0


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv[1:]))
