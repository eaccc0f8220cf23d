"""Settings that protect a learner who deploys the sample project."""

import os
import runpy
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import global_settings, settings
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = ROOT / "tutorial_site" / "settings.py"


def outside_tests(env):
    """This process's environment as `manage.py` would see it: no DJANGO_*
    variable but those in ``env``, and none of the PYTEST_* ones."""
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))
    }
    return {**environ, **env}


def load_settings(**env):
    """The settings module's names, from running the file afresh with this
    environment. Cheaper than a new process, and these settings only read
    os.environ; the tests that need Django set up with them use run()."""
    with mock.patch.dict(os.environ, outside_tests(env), clear=True):
        return runpy.run_path(str(SETTINGS_FILE))


def run(args, **env):
    """Run a Python command in a fresh process, with the environment changed."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=outside_tests(env),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("secret", [None, ""], ids=["unset", "empty"])
def test_development_secret_key_is_refused_when_debug_is_off(secret):
    env = {"DJANGO_DEBUG": "0"}
    if secret is not None:
        env["DJANGO_SECRET_KEY"] = secret
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY must be set"):
        load_settings(**env)


def test_real_secret_key_is_accepted_when_debug_is_off():
    secret = "a-real-secret-" + "x" * 50
    loaded = load_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secret)
    assert loaded["DEBUG"] is False
    assert loaded["SECRET_KEY"] == secret


def test_tests_use_a_fast_hasher_and_the_server_keeps_djangos_default():
    assert settings.PASSWORD_HASHERS == [
        "django.contrib.auth.hashers.MD5PasswordHasher"
    ]
    loaded = load_settings()
    hashers = loaded.get("PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    assert hashers[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"


@pytest.mark.parametrize(
    "env, expected",
    [({}, True), ({"DJANGO_DEBUG": "1"}, True), ({"DJANGO_DEBUG": "0"}, False)],
)
def test_debug_is_on_unless_turned_off(env, expected):
    assert load_settings(DJANGO_SECRET_KEY="k" * 50, **env)["DEBUG"] is expected


def test_allowed_hosts_come_from_the_environment():
    loaded = load_settings(DJANGO_ALLOWED_HOSTS="example.com, www.example.com")
    assert loaded["ALLOWED_HOSTS"] == ["example.com", "www.example.com"]
    assert load_settings()["ALLOWED_HOSTS"] == []


# --- Production settings ----------------------------------------------------------

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-real-secret-" + "x7Kq2" * 10,
    "DJANGO_ALLOWED_HOSTS": "example.com",
}


def test_check_deploy_reports_no_issue_in_production():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_does_complain_with_debug_on():
    # The check above can fail: the same command flags a debug setup.
    result = run(["manage.py", "check", "--deploy"], DJANGO_SECRET_KEY="k" * 50)
    assert "security.W018" in result.stderr  # DEBUG is True


def test_production_has_no_toolbar_and_no_demo_credentials():
    script = "\n".join(
        [
            "import django, os",
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tutorial_site.settings')",
            "django.setup()",
            "from django.conf import settings",
            "from django.test import Client",
            "names = settings.INSTALLED_APPS + settings.MIDDLEWARE",
            "print('toolbar:', any('debug_toolbar' in name for name in names))",
            "page = Client(SERVER_NAME='example.com').get('/accounts/login/', secure=True)",
            "print('status:', page.status_code)",
            "print('demo password shown:', 'learn-signals-42' in page.text)",
            "print('cookies secure:', settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)",
        ]
    )
    result = run(["-c", script], **PRODUCTION)
    assert result.stdout.splitlines() == [
        "toolbar: False",
        "status: 200",
        "demo password shown: False",
        "cookies secure: True True",
    ], result.stderr


def test_demo_data_is_refused_in_production():
    result = run(["manage.py", "load_demo_data"], **PRODUCTION)
    assert result.returncode != 0
    assert "development only" in result.stderr


@pytest.mark.parametrize("value", ["abc", "", "1.5", "-1", "3600s"])
def test_a_bad_hsts_duration_names_the_variable(value):
    with pytest.raises(ImproperlyConfigured) as raised:
        load_settings(**PRODUCTION, DJANGO_HSTS_SECONDS=value)
    assert str(raised.value) == (
        "DJANGO_HSTS_SECONDS must be a whole number of seconds (0 or more), "
        f"not {value!r}."
    )


@pytest.mark.parametrize(
    "value, seconds", [(None, 3600), ("0", 0), ("31536000", 31536000)]
)
def test_hsts_duration_comes_from_the_environment(value, seconds):
    env = {} if value is None else {"DJANGO_HSTS_SECONDS": value}
    assert load_settings(**PRODUCTION, **env)["SECURE_HSTS_SECONDS"] == seconds


def test_check_deploy_asks_for_allowed_hosts_until_they_are_set():
    # The README says what to set: without DJANGO_ALLOWED_HOSTS, security.W020.
    without_hosts = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_ALLOWED_HOSTS"}
    result = run(["manage.py", "check", "--deploy"], **without_hosts)
    assert "security.W020" in result.stderr
    assert result.stderr.count("(security.") == 1, result.stderr
