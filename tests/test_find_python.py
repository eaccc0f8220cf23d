"""Finding a Python for Django 6.1's half of `make test` (scripts/find_python.py)."""

import os
import subprocess
import sys

from tests.browser.machinery import ROOT

FIND_PYTHON = ROOT / "scripts" / "find_python.py"
RUNNING = ".".join(map(str, sys.version_info[:2]))  # this Python, e.g. "3.11"
NEXT = f"{sys.version_info[0]}.{sys.version_info[1] + 1}"  # one it is too old for


def find_python(*args, path=None, pyenv_root=None):
    env = dict(os.environ)
    if path is not None:
        env["PATH"] = str(path)
    if pyenv_root is not None:
        env["PYENV_ROOT"] = str(pyenv_root)
    return subprocess.run(
        [sys.executable, str(FIND_PYTHON), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_a_named_python_that_is_new_enough_is_printed():
    result = find_python(RUNNING, sys.executable)
    assert (result.returncode, result.stdout) == (0, f"{sys.executable}\n")


def test_a_named_python_that_is_too_old_or_missing_is_refused_with_the_reason():
    for candidate in (sys.executable, "/nonexistent/python3.13"):
        result = find_python(NEXT, candidate)
        assert (result.returncode, result.stdout) == (1, "")
        assert result.stderr == (
            f"No Python {NEXT} or newer (with venv) in {candidate}\n"
        )


def test_on_path_a_shim_that_fails_is_passed_over(tmp_path):
    # pyenv puts a shim under every name on PATH; it fails unless its version
    # is the selected one.
    shim = tmp_path / "python3.13"
    shim.write_text(
        "#!/bin/sh\necho 'pyenv: python3.13: command not found' >&2\nexit 127\n"
    )
    real = tmp_path / "python3.12"
    real.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    for script in (shim, real):
        script.chmod(0o755)

    no_pyenv = tmp_path / "no-pyenv"
    result = find_python(RUNNING, path=tmp_path, pyenv_root=no_pyenv)
    assert (result.returncode, result.stdout) == (0, f"{sys.executable}\n")

    result = find_python(NEXT, path=tmp_path, pyenv_root=no_pyenv)
    assert (result.returncode, result.stdout) == (1, "")
    assert "in PATH or pyenv" in result.stderr


def test_pyenvs_versions_are_found_without_pyenv_on_path(tmp_path):
    # As in a CI job whose PATH lacks pyenv: $PYENV_ROOT/versions/X.Y.Z/bin/python3.
    for version, target in [("2.7.18", "/nonexistent"), ("3.99.0", sys.executable)]:
        bin_dir = tmp_path / "versions" / version / "bin"
        bin_dir.mkdir(parents=True)
        python = bin_dir / "python3"
        python.write_text(f'#!/bin/sh\nexec "{target}" "$@"\n')
        python.chmod(0o755)
    empty = tmp_path / "empty"
    empty.mkdir()

    result = find_python(RUNNING, path=empty, pyenv_root=tmp_path)
    assert (result.returncode, result.stdout) == (0, f"{sys.executable}\n")


def make_test_django6(**env):
    """`make test-django6` on a machine where no Python will do."""
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "test-django6",
            f"DJANGO6_VENV={ROOT / 'tests' / 'no-such-venv'}",
            "PYTHON_DJANGO6=/nonexistent/python3.13",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        # Not the flags of a `make test` this may run under (jobs, output sync).
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if k not in {"CI", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
            },
            **env,
        },
        timeout=60,
    )


def test_without_a_python_for_django_6_make_test_says_so_in_one_line():
    result = make_test_django6()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == (
        "No Python 3.12 or newer (with venv) in /nonexistent/python3.13: "
        "Django 6.1 is not tested (set PYTHON_DJANGO6).\n"
    )


def test_without_a_python_for_django_6_make_test_fails_under_ci():
    result = make_test_django6(CI="true")
    assert result.returncode != 0
    assert result.stdout == (
        "No Python 3.12 or newer (with venv) in /nonexistent/python3.13: "
        "Django 6.1 cannot be tested, and CI=true requires it.\n"
    )
