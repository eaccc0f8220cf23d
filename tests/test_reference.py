"""Chapter 13 lists every signal that the installed Django defines."""

import re
from pathlib import Path

import django

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
