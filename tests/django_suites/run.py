"""Django's own signal tests, run with a signal_watch recording on the whole time.

    python -m tests.django_suites.run [LABEL ...]

Runs tests/runtests.py from the source distribution of the Django installed in
this Python (fetched once with `pip download` into a cache outside the
repository), in this process, between SignalRecorder.start() and stop(); then
reads every record back. The recorder must change nothing Django does, so
these suites pass as they do without it, with one exception no Python wrapper
can avoid: a receiver's warnings.warn(..., stacklevel=N) counts stack frames,
and the recorder's wrapper is one more frame. That one test is expected to
fail, in exactly that way (see expect_one_frame_more below).

Without the source distribution (no network, say) the run is skipped with a
one-line message; under CI=true that is a failure.
"""

import functools
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
# override_settings warns, from a setting_changed receiver, with a stacklevel
# that points at the test's own line; with the recorder's wrapper in between,
# it points one frame higher, into django/test/utils.py.
FRAME_COUNTING_TEST = (
    "settings_tests.tests.TestComplexSettingOverride.test_complex_override_warning"
)


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


def expect_one_frame_more(test_case_class, method_name):
    """The test must fail, and only because its warning is attributed to utils.py."""
    test_method = getattr(test_case_class, method_name)

    @functools.wraps(test_method)
    def one_frame_more(self):
        with self.assertRaises(AssertionError) as failure:
            test_method(self)
        self.assertIn(
            os.path.join("django", "test", "utils.py"), str(failure.exception)
        )

    setattr(test_case_class, method_name, one_frame_more)


def mark_frame_counting_test(runner_class):
    """Wrap the runner's build_suite() so that the frame-counting test is expected to fail."""
    from django.test.utils import iter_test_cases

    build_suite = runner_class.build_suite

    def build_suite_expecting_one_frame_more(self, *args, **kwargs):
        suite = build_suite(self, *args, **kwargs)
        for test in iter_test_cases(suite):
            if test.id() == FRAME_COUNTING_TEST:
                expect_one_frame_more(type(test), test._testMethodName)
                print(f"Expected to be one frame off (stacklevel): {test.id()}")
        return suite

    runner_class.build_suite = build_suite_expecting_one_frame_more


def main(labels):
    version = django.get_version()
    tests = django_tests_dir(version)
    if tests is None:
        print(
            f"Django's own test suites: skipped, the source distribution of "
            f"Django {version} could not be fetched (pip download)."
        )
        return 1 if os.environ.get("CI") == "true" else 0

    from django.test.runner import DiscoverRunner

    from signal_watch.recording import SignalRecorder

    mark_frame_counting_test(DiscoverRunner)
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
    print(f"{len(records):,} signal sends recorded and read back.")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or DEFAULT_LABELS))
