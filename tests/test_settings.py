"""Settings that protect a learner who deploys the sample project."""

import os
import runpy
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.conf import global_settings, settings
from django.core.exceptions import ImproperlyConfigured

from tutorial_site import development_secret_key as development_secret_key_module

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


# --- The development secret key: one per checkout, in a git-ignored file -----------
KEY_FILE = ".development-secret-key"


def load_settings_of_a_checkout(checkout, **env):
    """The settings of another checkout at ``checkout``: settings.py copied into
    it, so its BASE_DIR is there (the modules it imports are this checkout's)."""
    copy = checkout / "tutorial_site" / "settings.py"
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SETTINGS_FILE, copy)
    with mock.patch.dict(os.environ, outside_tests(env), clear=True):
        return runpy.run_path(str(copy))


def test_each_checkout_makes_its_own_key_once_readable_by_its_owner_only(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    key = load_settings_of_a_checkout(first)["SECRET_KEY"]
    key_file = first / KEY_FILE
    assert key_file.read_text() == key + "\n"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key) == 50
    # The next start reads it back; another checkout makes another.
    assert load_settings_of_a_checkout(first)["SECRET_KEY"] == key
    assert load_settings_of_a_checkout(second)["SECRET_KEY"] not in {key, ""}


def test_with_debug_off_and_no_key_nothing_is_made(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY must be set"):
        load_settings_of_a_checkout(tmp_path, DJANGO_DEBUG="0")
    assert not (tmp_path / KEY_FILE).exists()


def test_a_key_set_in_the_environment_is_used_and_no_file_made(tmp_path):
    loaded = load_settings_of_a_checkout(tmp_path, DJANGO_SECRET_KEY="k" * 50)
    assert loaded["SECRET_KEY"] == "k" * 50
    assert not (tmp_path / KEY_FILE).exists()


RACE = """
import sys, time
from tutorial_site.development_secret_key import development_secret_key
start = float(sys.argv[2])
time.sleep(max(0, start - time.time()))
print(development_secret_key(sys.argv[1]))
"""


def test_processes_that_start_together_share_one_key(tmp_path):
    path = tmp_path / KEY_FILE
    start = time.time() + 1.5  # once every process has imported Django
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, str(path), str(start)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    outputs = [process.communicate(timeout=60) for process in processes]
    keys = {stdout.strip() for stdout, _ in outputs}
    assert keys == {path.read_text().strip()}, outputs


def test_a_key_file_without_a_key_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(development_secret_key_module, "WAIT_FOR_WRITER_SECONDS", 0.1)
    path = tmp_path / KEY_FILE
    path.write_text("")
    with pytest.raises(ImproperlyConfigured, match="delete it"):
        development_secret_key_module.development_secret_key(path)


def test_this_checkouts_key_is_used_and_git_ignores_its_file():
    loaded = load_settings()
    key_file = ROOT / KEY_FILE
    assert loaded["SECRET_KEY"] == key_file.read_text().strip()
    ignored = subprocess.run(
        ["git", "check-ignore", "--quiet", KEY_FILE], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0


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
