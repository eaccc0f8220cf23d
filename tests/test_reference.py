"""Chapter 13 lists every signal that the installed Django defines."""

import os
import re
import subprocess
import sys
import weakref
from pathlib import Path

import django
from django.apps import apps
from django.core.management import call_command
from django.db.models.signals import post_migrate, pre_migrate

from bench.throwaway import throwaway_database
from foo.signals import user_login
from tests.signal_capture import capture_signal

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "chapters" / "13-reference.md"
SIGNAL_DEFINITION = re.compile(r"^(\w+) = (?:Model)?Signal\(", re.MULTILINE)


def djangos_signals():
    found = {}
    for path in Path(django.__file__).parent.rglob("*.py"):
        for name in SIGNAL_DEFINITION.findall(path.read_text(encoding="utf-8")):
            found[name] = path
    return found


def test_reference_table_lists_every_signal_of_the_installed_django():
    signals = djangos_signals()
    assert {"post_save", "user_logged_in", "connection_created"} <= set(signals)
    text = REFERENCE.read_text()
    missing = [name for name in signals if f"| `{name}` |" not in text]
    assert missing == []
    assert f"Django 5.2 defines {len(signals)} signals" in text


def project_signals():
    found = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "tests", "site"}:
            continue
        module = ".".join(relative.with_suffix("").parts)
        found += [
            f"{module}.{name}" for name in SIGNAL_DEFINITION.findall(path.read_text())
        ]
    return found


def test_reference_documents_every_signal_the_project_defines():
    signals = project_signals()
    assert "foo.signals.user_login" in signals
    text = REFERENCE.read_text()
    for signal in signals:
        assert f"### `{signal}`" in text, f"chapter 13 does not document {signal}"


def test_reference_names_every_receiver_of_user_login():
    (row,) = [
        line
        for line in REFERENCE.read_text().splitlines()
        if line.startswith("| **Receivers in this project** |")
    ]
    receivers = [entry[1] for entry in user_login.receivers]
    receivers = [r() if isinstance(r, weakref.ref) else r for r in receivers]
    assert len(receivers) >= 2
    for receiver in receivers:
        assert f"`{receiver.__module__}.{receiver.__qualname__}`" in row


# The rows of chapter 13 that differ between senders, checked against Django.


def test_migrate_sends_stdout_apps_and_plan_and_flush_sends_none_of_them(
    django_db_blocker,
):
    blog = apps.get_app_config("blog")
    with (
        django_db_blocker.unblock(),
        capture_signal(pre_migrate, sender=blog) as pre,
        capture_signal(post_migrate, sender=blog) as post,
        throwaway_database(),  # a new file, migrated from scratch
    ):
        migrated = list(post)
        call_command("flush", interactive=False, verbosity=0)
        flushed = post[len(migrated) :]

    expected = {"app_config", "verbosity", "interactive", "using"}
    assert [set(call.kwargs) for call in pre] == [expected | {"stdout", "apps", "plan"}]
    assert [set(call.kwargs) for call in migrated] == [
        expected | {"stdout", "apps", "plan"}
    ]
    assert len(pre) == 1  # flush sends no pre_migrate
    assert [set(call.kwargs) for call in flushed] == [expected]


def renders_sending_template_rendered(**environ):
    """In a plain process, as runserver is: how many of two renders send it."""
    script = "\n".join(
        [
            "import django",
            "django.setup()",
            "from django.template import Context, Template",
            "from django.test.signals import template_rendered",
            "sent = []",
            "template_rendered.connect(lambda sender, **kwargs: sent.append(sender))",
            "Template('a').render(Context())",
            "Template('b').render(Context())",
            "print(len(sent))",
        ]
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k != "PYTEST_VERSION"
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "tutorial_site.settings", **environ},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


def test_template_rendered_is_sent_in_development_with_the_debug_toolbar():
    # `make run` (DEBUG on) installs django-debug-toolbar, whose Templates panel
    # instruments rendering as the test runner does; without it, nothing is sent.
    assert renders_sending_template_rendered() == 2
    production = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 50}
    assert renders_sending_template_rendered(**production) == 0
