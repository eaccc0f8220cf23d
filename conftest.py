"""Fixtures of the project's own test machinery, for the tests under tests/.

tests/conftest.py holds the fixtures that the tutorial's tests take (alice,
post, signal_log, ...), and the tutorial shows it whole. What only this
project's checks need lives here: the tutorial built once per run, and one real
runserver (tests/live_server.py).
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def mkdocs_site(tmp_path_factory):
    """The tutorial, built once for the run with `mkdocs build --strict`."""
    site = tmp_path_factory.mktemp("mkdocs") / "site"
    mkdocs = Path(sys.executable).parent / "mkdocs"
    result = subprocess.run(
        [mkdocs, "build", "--strict", "--site-dir", site],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="session")
def real_server():
    """One real runserver for the whole run (tests/live_server.py), started on first use."""
    from tests.live_server import DemoServer

    with DemoServer() as server:
        yield server
