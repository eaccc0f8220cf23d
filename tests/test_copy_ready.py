"""Every Python block on the built tutorial can be copied on its own.

Readers copy one block at a time into their own project. So each block names
its file (a title such as ``blog/signals.py``) and, taken alone, uses no name it
does not define or import: ruff's undefined-name rule (F821) finds nothing in it
and it compiles. A block whose title ends in ``settings.py`` is a fragment of a
settings file and may use the settings defined above it (UPPER_CASE names).
"""

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

RUFF = Path(sys.executable).parent / "ruff"
# pymdownx.highlight marks each block with its language (pygments_lang_class).
BLOCK = re.compile(
    r'<div class="language-(?:python|py) highlight">(.*?)</code></pre></div>', re.S
)
TITLE = re.compile(r'<span class="filename">([^<]*)</span>')
SETTING = re.compile(r"[A-Z][A-Z0-9_]*")


def python_blocks(site):
    for page in sorted(site.rglob("*.html")):
        for match in BLOCK.finditer(page.read_text()):
            title = TITLE.search(match.group(1))
            code = match.group(1).split("<code>", 1)[1]
            source = html.unescape(re.sub(r"<[^>]+>", "", code))
            yield page.relative_to(site).parent.as_posix(), title, source


@pytest.fixture(scope="module")
def blocks(mkdocs_site):
    found = [
        (page, title.group(1) if title else "", source)
        for page, title, source in python_blocks(mkdocs_site)
    ]
    assert len(found) > 50  # the pages really were read
    return found


def test_every_python_block_names_its_file(blocks):
    untitled = [
        f"{page}: {source.splitlines()[0]}"
        for page, title, source in blocks
        if not title
    ]
    assert not untitled, "blocks without a title:\n" + "\n".join(untitled)


def test_every_python_block_stands_on_its_own(blocks, tmp_path):
    for number, (_page, _title, source) in enumerate(blocks):
        (tmp_path / f"block_{number}.py").write_text(source)
    result = subprocess.run(
        [
            RUFF,
            "check",
            "--isolated",
            "--select",
            "F821",
            "--output-format",
            "json",
            tmp_path,
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode in (0, 1), result.stderr
    undefined = {}
    for problem in json.loads(result.stdout):
        number = int(Path(problem["filename"]).stem.removeprefix("block_"))
        name = re.search(r"`(.+)`", problem["message"]).group(1)
        undefined.setdefault(number, set()).add(name)
    failures = []
    for number, (page, title, source) in enumerate(blocks):
        names = undefined.get(number, set())
        if title.endswith("settings.py"):
            names = {name for name in names if not SETTING.fullmatch(name)}
        try:
            compile(source, title or page, "exec")
        except SyntaxError as error:
            failures.append(f"{page}: {title}: does not compile ({error.msg})")
        if names:
            failures.append(f"{page}: {title}: undefined {', '.join(sorted(names))}")
    assert not failures, "\n".join(failures)
