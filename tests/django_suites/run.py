"""Django's own signal tests, run with a signal_watch recording on the whole time.

    python -m tests.django_suites.run [LABEL ...]

Runs tests/runtests.py from the source distribution of the Django installed in
this Python (fetched once with `pip download` into a cache outside the
repository), in this process, between SignalRecorder.start() and stop(); then
reads every record back. The recorder must change nothing Django does, so
these suites pass as they do without it, all of them: even
settings_tests' test_complex_override_warning, whose setting_changed receiver
calls warnings.warn(..., stacklevel=5) and so counts stack frames, since the
wrapper runs send()'s receivers where Django's method would.

Without the source distribution (no network, say) the run is skipped with a
one-line message; under CI=true that is a failure.
"""

import os
import runpy
import subprocess
import sys
import tarfile
from pathlib import Path

import django

# The suites about signals and the dispatcher, and those that lean on them.
DEFAULT_LABELS = [
    "dispatch",
    "signals",
    "m2m_signals",
    "migrate_signals",
    "auth_tests.test_signals",
    "async",
    "delete",
    "settings_tests",
]


def cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "django-signals-by-example" / "django-sdist"


def django_tests_dir(version):
    """Django's tests/ for ``version``, fetched and unpacked once; None if unreachable."""
    root = cache_dir()
    tests = root / f"django-{version}" / "tests"
    if (tests / "runtests.py").exists():
        return tests
    root.mkdir(parents=True, exist_ok=True)
    fetched = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--no-binary",
            ":all:",
            "--no-deps",
            f"Django=={version}",
            "--dest",
            str(root),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    archive = root / f"django-{version}.tar.gz"
    if fetched.returncode != 0 or not archive.exists():
        return None
    with tarfile.open(archive) as sdist:
        members = [m for m in sdist.getmembers() if "/tests/" in f"{m.name}/"]
        sdist.extractall(root, members=members, filter="data")
    return tests if (tests / "runtests.py").exists() else None


def main(labels):
    version = django.get_version()
    tests = django_tests_dir(version)
    if tests is None:
        print(
            f"Django's own test suites: skipped, the source distribution of "
            f"Django {version} could not be fetched (pip download)."
        )
        return 1 if os.environ.get("CI") == "true" else 0

    from signal_watch.recording import SignalRecorder

    print(f"Django {version}'s tests ({' '.join(labels)}), recording all signals:")
    sys.argv = [str(tests / "runtests.py"), "--parallel=1", "--noinput", *labels]
    sys.path[0] = str(tests)
    recorder = SignalRecorder()
    recorder.start()
    try:
        runpy.run_path(sys.argv[0], run_name="__main__")
        status = 0
    except SystemExit as exit:
        status = exit.code or 0
    finally:
        recorder.stop()
    # Every record read back: reading must never raise, whatever was sent.
    records = recorder.records
    sends = sum(record.count for record in records)
    print(f"{sends:,} signal sends recorded and read back, in {len(records):,} rows.")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or DEFAULT_LABELS))
