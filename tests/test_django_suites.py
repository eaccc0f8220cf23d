"""The runner of Django's own suites under a recording (tests/django_suites/run.py)."""

import pytest

from tests.django_suites import run


@pytest.mark.parametrize(("ci", "status"), [("", 0), ("true", 1)])
def test_without_the_source_distribution_the_run_is_skipped_in_one_line(
    monkeypatch, capsys, ci, status
):
    monkeypatch.setattr(run, "django_tests_dir", lambda version: None)
    monkeypatch.setenv("CI", ci)
    assert run.main(run.DEFAULT_LABELS) == status
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("Django's own test suites: skipped")
