"""Chapter 13 lists every signal that the installed Django defines."""

import re
import weakref
from pathlib import Path

import django
import pytest
from django.core.signals import setting_changed
from django.db.models.signals import (
    ModelSignal,
    class_prepared,
    m2m_changed,
    post_delete,
    post_init,
    post_migrate,
    post_save,
    pre_delete,
    pre_init,
    pre_migrate,
    pre_save,
)
from django.test import override_settings

from foo.signals import user_login

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "chapters" / "13-reference.md"
NUMBERS = {6: "six", 7: "seven"}
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
    # The chapter counts the signals of both Djangos; this run checks its own.
    version = ".".join(map(str, django.VERSION[:2]))
    modules = len(set(signals.values()))
    assert (
        f"Django {version} defines {len(signals)} signals in {NUMBERS[modules]} modules"
        in " ".join(text.split())
    )


def project_signals():
    found = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        # Hidden folders hold virtualenvs; starter/ is the learner's own project
        # of chapter 3, whose signal that chapter documents.
        if relative.parts[0].startswith(".") or relative.parts[0] in {
            "tests",
            "site",
            "starter",
        }:
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


def test_only_the_seven_model_signals_take_lazy_senders():
    lazy = {pre_init, post_init, pre_save, post_save, pre_delete, post_delete}
    lazy.add(m2m_changed)
    assert all(isinstance(signal, ModelSignal) for signal in lazy)
    plain = [class_prepared, pre_migrate, post_migrate]
    assert not any(isinstance(signal, ModelSignal) for signal in plain)


def test_override_settings_restores_with_send_robust():
    # Entering sends with send(); leaving with send_robust(), so every receiver
    # runs before the first error is raised again.
    heard = []

    def fails_on_exit(sender, setting, enter, **kwargs):
        if setting == "BLOG_SPAM_WORDS" and not enter:
            raise RuntimeError("cannot restore")

    def records(sender, setting, enter, **kwargs):
        if setting == "BLOG_SPAM_WORDS":
            heard.append(enter)

    setting_changed.connect(fails_on_exit)
    setting_changed.connect(records)
    try:
        with (
            pytest.raises(RuntimeError, match="cannot restore"),
            override_settings(BLOG_SPAM_WORDS=["x"]),
        ):
            pass
    finally:
        setting_changed.disconnect(fails_on_exit)
        setting_changed.disconnect(records)
    assert heard == [True, False]  # the receiver after the failing one still ran
