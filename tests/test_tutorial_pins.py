"""The `pip install` lines of the tutorial name the versions the project pins.

A learner copies them into their own project; requirements.txt holds the
versions that `make test` proves the code on. They must be the same.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIP_INSTALL = re.compile(r"pip install ([^`\n]+)")


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_requirements(path=ROOT / "requirements.txt"):
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):  # the pins shared with requirements-django6.txt
            pins |= pinned_requirements(path.parent / line.removeprefix("-r ").strip())
        elif "==" in line:
            name, version = line.split("==")
            pins[canonical(name)] = version.strip()
    return pins


def install_lines():
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for match in PIP_INSTALL.finditer(page.read_text()):
            # A shell comment after the command is not part of it.
            yield page.relative_to(ROOT), match.group(1).split("#", 1)[0].split()


def test_every_package_the_tutorial_installs_is_pinned_as_in_requirements():
    pins = pinned_requirements()
    found = []
    for page, arguments in install_lines():
        # Options, and the file after -r or -c, are not packages.
        packages = [
            argument
            for before, argument in zip(["", *arguments], arguments, strict=False)
            if not argument.startswith("-") and before not in {"-r", "-c"}
        ]
        for package in packages:
            name, _, version = package.partition("==")
            found.append(canonical(name))
            assert version, f"{page}: {package} has no version"
            assert pins.get(canonical(name)) == version, (
                f"{page}: {package}, but requirements.txt pins "
                f"{pins.get(canonical(name))}"
            )
    assert {"pytest", "pytest-django"} <= set(found)


def test_the_requirements_file_readers_copy_pins_what_the_project_tests():
    # Chapters 3 and 4 have readers install starter/requirements.txt: Django 5.2
    # LTS below Python 3.12, the newest 6.1 from 3.12 on, as make test runs them.
    lts = pinned_requirements()
    newest = pinned_requirements(ROOT / "requirements-django6.txt")
    lines = [
        line.split("#", 1)[0].strip()
        for line in (ROOT / "starter" / "requirements.txt").read_text().splitlines()
    ]
    assert [line for line in lines if line] == [
        f'Django=={lts["django"]}; python_version < "3.12"',
        f'Django=={newest["django"]}; python_version >= "3.12"',
        f"pytest=={lts['pytest']}",
        f"pytest-django=={lts['pytest-django']}",
    ]
