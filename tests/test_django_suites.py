"""The runner of Django's own suites under a recording (tests/django_suites/run.py)."""

import os
import unittest

import pytest

from tests.django_suites import run

UTILS = os.path.join("django", "test", "utils.py")


@pytest.mark.parametrize(("ci", "status"), [("", 0), ("true", 1)])
def test_without_the_source_distribution_the_run_is_skipped_in_one_line(
    monkeypatch, capsys, ci, status
):
    monkeypatch.setattr(run, "django_tests_dir", lambda version: None)
    monkeypatch.setenv("CI", ci)
    assert run.main(run.DEFAULT_LABELS) == status
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("Django's own test suites: skipped")


def outcome(test_method):
    class Case(unittest.TestCase):
        def test(self):
            test_method(self)

    run.expect_one_frame_more(Case, "test")
    result = unittest.TestResult()
    Case("test").run(result)
    return len(result.failures) + len(result.errors)


def test_the_frame_counting_test_must_fail_one_frame_off_and_only_so():
    def one_frame_off(self):
        self.assertEqual(f"/venv/{UTILS}", "/tests/settings_tests/tests.py")

    def passes(self):
        pass

    def fails_otherwise(self):
        self.assertEqual("something", "else")

    assert outcome(one_frame_off) == 0
    assert outcome(passes) == 1
    assert outcome(fails_otherwise) == 1
