"""Print the path of a Python at least as new as asked (for Django 6.1: 3.12).

    python3 scripts/find_python.py 3.12 [CANDIDATE ...]

The Makefile creates Django 6.1's virtualenv with what this prints. With
candidates (the Makefile passes PYTHON_DJANGO6 when it is set), only those are
tried. Otherwise: python3.14, python3.13, python3.12 and python3 on PATH, then
pyenv's installed versions, newest first (with or without pyenv on PATH). pyenv's shims sit on PATH under every
name and fail unless that version is selected, so each candidate is run, not
just found. Exits 1, with the reason on stderr, when none will do.
"""

import os
import re
import shutil
import subprocess
import sys

# Prints the interpreter's real path (not a shim's) and its version; fails
# where venv cannot install pip (Debian's python3 without python3-venv).
PROBE = (
    "import sys, venv, ensurepip; print(sys.executable); print(*sys.version_info[:2])"
)
PATH_NAMES = ["python3.14", "python3.13", "python3.12", "python3"]
PYENV_VERSION = re.compile(r"^(\d+)\.(\d+)\.\d+$")  # CPython releases only


def probe(command, minimum):
    """The real path of ``command`` if it runs and is new enough, else None."""
    try:
        result = subprocess.run(
            [command, "-c", PROBE], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = result.stdout.split("\n")
    if result.returncode != 0 or len(lines) < 2:
        return None
    major, minor = map(int, lines[1].split())
    return lines[0] if (major, minor) >= minimum else None


def pyenv_pythons(minimum):
    """pyenv's installed CPythons of at least ``minimum``, newest first.

    Its root is what `pyenv root` says, or, where pyenv is not on PATH (a
    non-interactive shell, a CI job), $PYENV_ROOT or pyenv's default, ~/.pyenv.
    """
    pyenv = shutil.which("pyenv")
    if pyenv:
        root = subprocess.run(
            [pyenv, "root"], capture_output=True, text=True, timeout=30
        ).stdout.strip()
    else:
        root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    try:
        names = os.listdir(os.path.join(root, "versions"))
    except OSError:
        return []
    versions = []
    for name in names:
        match = PYENV_VERSION.match(name)
        if match and (int(match[1]), int(match[2])) >= minimum:
            versions.append(name)
    versions.sort(key=lambda v: tuple(map(int, v.split("."))), reverse=True)
    return [os.path.join(root, "versions", name, "bin", "python3") for name in versions]


def find(minimum, candidates):
    if not candidates:
        candidates = [path for name in PATH_NAMES if (path := shutil.which(name))]
        candidates += pyenv_pythons(minimum)
    for candidate in candidates:
        if found := probe(candidate, minimum):
            return found
    return None


def main(argv):
    wanted, *candidates = argv
    minimum = tuple(int(part) for part in wanted.split("."))
    found = find(minimum, candidates)
    if found is None:
        where = " ".join(candidates) if candidates else "PATH or pyenv"
        print(f"No Python {wanted} or newer (with venv) in {where}", file=sys.stderr)
        return 1
    print(found)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
