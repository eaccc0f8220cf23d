"""The tutorial builds, with MkDocs (strict) and with Zensical, and its links hold.

- every /tutorial/... link in the demo's templates exists in the built site;
- every link from a chapter to the demo (http://127.0.0.1:8000/...) is a URL
  the project answers, and every chapter has at least one; chapter 3's are pages
  of the learner's own project, starter/, which runs at that address instead;
- the fourteen chapters exist in order, each naming the Django versions its code
  is tested on, opening with what you will learn and ending with what you saw.
"""

import os
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from django.utils.text import slugify

from blog.management.commands.load_demo_data import DEMO_POSTS

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHAPTERS = sorted((ROOT / "docs" / "chapters").glob("*.md"))
UNDER_THE_HOOD = sorted((ROOT / "docs" / "under-the-hood").glob("*.md"))
OWN_PROJECT_CHAPTER = ROOT / "docs" / "chapters" / "03-your-own-project.md"
DEMO_LINK = re.compile(r"http://127\.0\.0\.1:8000(/[^\s()\[\]\"'>]*)")
DEMO_SLUGS = {slugify(spec["title"]) for spec in DEMO_POSTS}
TUTORIAL_LINK = re.compile(r"""href="(/tutorial/[^"#?]*)""")


def run(args, cwd):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_zensical_builds_the_same_config(tmp_path):
    # Zensical writes its site and cache inside the project folder, so build a
    # copy of the project (the pages include files from all over it).
    project = tmp_path / "project"
    shutil.copytree(
        ROOT,
        project,
        ignore=shutil.ignore_patterns(
            ".venv*",
            ".git",
            "site",
            ".cache",
            ".hypothesis",
            "db*.sqlite3*",
            "__pycache__",
            ".*_cache",
            # A browser run beside this one may write and delete such a file.
            "test_probe_*",
        ),
    )
    result = run([BIN / "zensical", "build", "--strict"], project)
    assert result.returncode == 0, result.stdout + result.stderr
    pages = list((project / "site" / "chapters").glob("*/index.html"))
    assert len(pages) == len(CHAPTERS) == 14
    chapter_7 = (project / "site/chapters/07-model-signals/index.html").read_text()
    # A comment from inside hold_back_spam(): the include really happened.
    assert "Only new comments are checked" in chapter_7
    assert_no_unprocessed_include(project / "site")


INCLUDE = re.compile(r'^\s*--8<-- "[^"]+"$')
LOOKS_LIKE_INCLUDE = re.compile(r"-\s*8\s*<\s*-")


def assert_no_unprocessed_include(site):
    for page in site.rglob("*.html"):
        html = page.read_text()
        assert not LOOKS_LIKE_INCLUDE.search(html.replace("&lt;", "<")), page


def test_every_include_line_is_well_formed():
    # A mangled include line (a formatter once rewrote them as Python) is not
    # an error for the build: it just shows up as text. Catch it here.
    for page in (ROOT / "docs").rglob("*.md"):
        for number, line in enumerate(page.read_text().splitlines(), 1):
            if LOOKS_LIKE_INCLUDE.search(line):
                assert INCLUDE.match(line), f"{page.name}:{number}: {line!r}"


def test_mkdocs_pages_include_the_code(mkdocs_site):
    chapter_7 = (mkdocs_site / "chapters/07-model-signals/index.html").read_text()
    assert "Only new comments are checked" in chapter_7
    assert_no_unprocessed_include(mkdocs_site)


def test_mkdocs_site_has_every_chapter(mkdocs_site):
    for chapter in CHAPTERS:
        assert (mkdocs_site / "chapters" / chapter.stem / "index.html").exists()


def test_every_tutorial_link_in_the_templates_exists(mkdocs_site):
    links = set()
    for template in ROOT.glob("*/templates/**/*.html"):
        links.update(TUTORIAL_LINK.findall(template.read_text()))
    assert "/tutorial/chapters/05-custom-signal/" in links  # the scan finds them
    for link in links:
        page = mkdocs_site / link.removeprefix("/tutorial/")
        assert (page / "index.html").exists() or page.is_file(), link


def test_chapter_links_to_the_demo_are_urls_of_the_project(mkdocs_site):
    for page in [ROOT / "docs" / "index.md", *CHAPTERS]:
        if page == OWN_PROJECT_CHAPTER:
            continue  # see the next test
        links = DEMO_LINK.findall(page.read_text())
        assert links, f"{page.name} links to no page of the demo"
        for link in links:
            path = urlsplit(link).path
            if path.startswith("/tutorial/"):
                # Served only while DEBUG is on (tests run with it off).
                built = mkdocs_site / path.removeprefix("/tutorial/")
                assert (built / "index.html").exists(), f"{page.name}: {link}"
                continue
            try:
                match = resolve(path)
            except Resolver404:
                pytest.fail(f"{page.name}: {link} is not a URL of the project")
            if match.view_name == "blog:post_detail":
                # The post must be one that `make run` loads.
                assert match.kwargs["slug"] in DEMO_SLUGS, f"{page.name}: {link}"


def test_own_project_chapter_links_to_pages_of_the_starter_project():
    # Chapter 3 builds the learner's own project, whose runserver is at the same
    # address as the demo's: there, its links are pages of starter/.
    paths = [
        urlsplit(link).path
        for link in DEMO_LINK.findall(OWN_PROJECT_CHAPTER.read_text())
    ]
    assert paths, "chapter 3 links to no page of the learner's project"
    resolve_in_starter = (
        "import sys, django; django.setup()\n"
        "from django.urls import resolve\n"
        "for path in sys.argv[1:]: resolve(path)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", resolve_in_starter, *paths],
        cwd=ROOT / "starter",
        env={**env, "DJANGO_SETTINGS_MODULE": "mysite.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_fourteen_chapters_in_order_with_their_frame():
    assert [c.name[:3] for c in CHAPTERS] == [f"{n:02d}-" for n in range(1, 15)]
    nav = (ROOT / "mkdocs.yml").read_text()
    positions = [nav.index(f"chapters/{c.name}") for c in CHAPTERS]
    assert positions == sorted(positions)
    for chapter in CHAPTERS:
        text = chapter.read_text()
        # The box names both Djangos that `make test` runs the project on.
        assert '!!! info "Tested on Django 5.2 LTS and Django 6.1"' in text, (
            chapter.name
        )
        headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
        assert headings[0] == "What you will learn", chapter.name
        assert headings[-1] == "What you saw, what to try", chapter.name


def included_text(reference):
    """The lines a `--8<-- "path[:section]"` include puts on the page."""
    path, _, section = reference.partition(":")
    lines = (ROOT / path).read_text().splitlines()
    if section:
        # A marker is a comment of the file's own language: "# ..." in Python,
        # "{# ... #}" in a template.
        def marker(kind):
            return next(
                number
                for number, line in enumerate(lines)
                if f"--8<-- [{kind}:{section}]" in line
            )

        lines = lines[marker("start") + 1 : marker("end")]
    return [line for line in lines if line.strip() and "--8<-- [" not in line]


def test_each_page_shows_the_current_code_of_its_includes(mkdocs_site):
    # Change a line of an included receiver, and the built page changes with it.
    for chapter in CHAPTERS + UNDER_THE_HOOD:
        built = mkdocs_site / chapter.parent.name / chapter.stem / "index.html"
        html = built.read_text()
        text = unescape(re.sub(r"<[^>]+>", "", html))
        for reference in re.findall(r'--8<-- "([^"]+)"', chapter.read_text()):
            for line in included_text(reference):
                assert line.strip() in text, f"{chapter.name}: {reference}: {line!r}"


def test_the_learning_path_stays_short_and_its_machinery_one_click_away():
    # How the project itself is hardened and measured lives under the hood; the
    # chapters that used to hold it keep the lesson and a link.
    limits = {
        "09-failures-and-async.md": 230,
        "10-cost-and-task-queues.md": 260,
        "12-seeing-signals.md": 200,
    }
    for name, limit in limits.items():
        lines = len((ROOT / "docs" / "chapters" / name).read_text().splitlines())
        assert lines <= limit, f"{name}: {lines} lines of Markdown, over {limit}"
    links = [
        ("08-other-builtin-signals.md", "../under-the-hood/hardening.md"),
        ("09-failures-and-async.md", "../under-the-hood/hardening.md"),
        ("09-failures-and-async.md", "../under-the-hood/lockout.md"),
        ("10-cost-and-task-queues.md", "../under-the-hood/benchmark.md"),
        ("12-seeing-signals.md", "../under-the-hood/recorder.md"),
    ]
    for name, target in links:
        assert f"]({target}" in (ROOT / "docs" / "chapters" / name).read_text(), name
    nav = (ROOT / "mkdocs.yml").read_text()
    assert nav.index("chapters/14-") < nav.index("- Under the hood:")
    for page in UNDER_THE_HOOD:
        assert f"under-the-hood/{page.name}" in nav
