"""The machinery of the browser tests (tests/browser/), checked without a browser."""

import gc
import os
import socket
import sqlite3
import subprocess
import sys
import warnings
from contextlib import closing
from pathlib import Path

import pytest

from tests.browser import machinery
from tests.browser.conftest import PROBE_PREFIX
from tests.browser.machinery import (
    ROOT,
    LiveServer,
    PortTaken,
    ServerLog,
    chromium_launch_options,
    free_port,
    is_loopback_url,
    server_environment,
)

PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings;"
    "print(settings.DATABASES['default']['NAME']); print(settings.TUTORIAL_SITE_DIR)"
)


# A pytest run of tests/browser as `make test` starts it: no cache written, and
# without hypothesis's plugin (the browser tests use none; it is slow to import).
QUICK_PYTEST = ["-p", "no:cacheprovider", "-p", "no:hypothesispytest"]


def run_python(args, env, timeout=120):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_server_gets_its_own_database_and_tutorial_build(tmp_path):
    env = server_environment(tmp_path)
    result = run_python(["-c", PRINT_SETTINGS], env)
    assert result.stdout.splitlines() == [
        str(tmp_path / "db.sqlite3"),
        str(tmp_path / "site"),
    ], result.stderr
    assert env["DJANGO_DEBUG"] == "1"
    assert not [key for key in env if key.startswith("PYTEST_")]


def test_without_the_overrides_the_usual_files_are_used():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DJANGO_SETTINGS_MODULE"] = "tutorial_site.settings"
    result = run_python(["-c", PRINT_SETTINGS], env)
    assert result.stdout.splitlines() == [
        str(ROOT / "db.sqlite3"),
        str(ROOT / "site"),
    ], result.stderr


@pytest.mark.parametrize(
    "url, allowed",
    [
        ("http://127.0.0.1:8123/tutorial/", True),
        ("http://localhost:8000/", True),
        ("data:image/png;base64,AAAA", True),
        ("https://fonts.googleapis.com/css?family=Roboto", False),
        ("http://127.0.0.1.example.com/", False),
        ("http://10.0.0.1/", False),
    ],
)
def test_only_this_machine_is_reachable(url, allowed):
    assert is_loopback_url(url) is allowed


def test_chromium_is_debians_and_sandboxless_only_as_root():
    options = chromium_launch_options()
    assert options["executable_path"] == os.environ.get(
        "CHROMIUM_PATH", "/usr/bin/chromium"
    )
    assert "--disable-background-networking" in options["args"]
    assert ("--no-sandbox" in options["args"]) is (os.geteuid() == 0)


def test_reading_the_servers_database_leaves_no_connection_open(tmp_path):
    server = LiveServer(workdir=tmp_path)
    with closing(sqlite3.connect(server.db_path)) as database, database:
        database.execute("CREATE TABLE note (text)")
        database.execute("INSERT INTO note VALUES ('hello')")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert server.query("SELECT text FROM note") == [("hello",)]
        gc.collect()
    # Python 3.13 warns about a connection that is never closed.
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_a_port_taken_before_runserver_binds_it_makes_the_server_try_another(
    tmp_path, monkeypatch
):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        taken_port = taken.getsockname()[1]
        ports = iter([taken_port, free_port()])
        monkeypatch.setattr(machinery, "free_port", lambda: next(ports))
        server = LiveServer(workdir=tmp_path)
        try:
            server.serve()
            assert server.port != taken_port
            assert server.url == f"http://127.0.0.1:{server.port}"
        finally:
            server.stop()

        # A port asked for is not changed behind your back: the error says why.
        (tmp_path / "fixed").mkdir()
        fixed = LiveServer(port=taken_port, workdir=tmp_path / "fixed")
        try:
            with pytest.raises(PortTaken, match="already in use"):
                fixed.serve()
        finally:
            fixed.stop()


def test_waiting_for_a_line_is_bounded(tmp_path):
    log = ServerLog(tmp_path / "server.log")
    log.path.write_text("[bar.signals] user_login sender=LoginView\nother\n")
    assert (
        log.wait_for(r"^\[bar\.signals\] ", timeout=1)
        == "[bar.signals] user_login sender=LoginView"
    )
    since = log.mark()
    with pytest.raises(AssertionError, match="no line matching"):
        log.wait_for(r"^\[bar\.signals\] ", since=since, timeout=0.2)


def run_browser_tests_without_chromium(ci):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["CHROMIUM_PATH"] = "/nonexistent/chromium"
    if ci:
        env["CI"] = "true"
    return run_python(
        ["-m", "pytest", *QUICK_PYTEST, "-q", "-rs", "tests/browser"],
        env,
        timeout=300,
    )


def test_without_chromium_the_browser_tests_skip_with_one_line():
    result = run_browser_tests_without_chromium(ci=False)
    skip_lines = [line for line in result.stdout.splitlines() if "SKIPPED" in line]
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(skip_lines) == 1, result.stdout
    assert "browser tests need Chromium at /nonexistent/chromium" in skip_lines[0]
    assert " passed" not in result.stdout


def test_without_chromium_under_ci_the_browser_tests_fail():
    result = run_browser_tests_without_chromium(ci=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "CI=true, so a skip would hide them" in result.stdout
    assert "SKIPPED" not in result.stdout
    assert " passed" not in result.stdout


def test_chromium_path_default_is_debians():
    env = {k: v for k, v in os.environ.items() if k != "CHROMIUM_PATH"}
    result = run_python(
        ["-c", "from tests.browser.machinery import CHROMIUM; print(CHROMIUM)"], env
    )
    assert Path(result.stdout.strip()) == Path("/usr/bin/chromium"), result.stderr


def test_under_ci_a_skipped_browser_test_fails(tmp_path):
    # A feature test that skips itself (say, the toolbar is off) must not pass
    # unnoticed in CI. The probe has to live in tests/browser/ for its conftest.
    # Named for this process: the other half of make test may be writing its own.
    probe = ROOT / "tests" / "browser" / f"{PROBE_PREFIX}{os.getpid()}.py"
    probe.write_text(
        "import pytest\n\n\ndef test_feature():\n    pytest.skip('feature is off')\n"
    )
    try:
        args = ["-m", "pytest", *QUICK_PYTEST, "-q", str(probe)]
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        env["BROWSER_TEST_PROBE"] = probe.name
        outside_ci = run_python(args, env, timeout=120)
        in_ci = run_python(args, {**env, "CI": "true"}, timeout=120)
        # A browser run that did not ask for the probe never collects it.
        del env["BROWSER_TEST_PROBE"]
        others = run_python(
            ["-m", "pytest", *QUICK_PYTEST, "--collect-only", "-q", str(probe.parent)],
            env,
            timeout=120,
        )
    finally:
        probe.unlink()
    assert "test_demo.py" in others.stdout, others.stdout + others.stderr
    assert probe.name not in others.stdout
    assert outside_ci.returncode == 0, outside_ci.stdout
    assert "1 skipped" in outside_ci.stdout
    assert in_ci.returncode == 1, in_ci.stdout
    assert "skipped under CI=true" in in_ci.stdout
    assert "feature is off" in in_ci.stdout
