"""The chapters' apps and tests, copied into a project whose apps have other names.

Readers of chapters 4 to 8 copy foo, bar and blog into their own project under
names of their own. The pages promise that the modules reach their own app's
files through relative imports, that tests name the apps they test only in
their imports, and they name every other place to change. So: copy the three
apps as accounts, audit and catalog into a new project, change the import
lines and the places the pages name, and nothing else, then run there every
test that the chapters show.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "docs" / "chapters").glob("0[4-8]-*.md"))
NEW_NAMES = {"foo": "accounts", "bar": "audit", "blog": "catalog"}
IMPORT = re.compile(r"^(\s*(?:from|import) )(foo|bar|blog)\b", re.MULTILINE)
# What the pages say to change, besides the import lines and startapp's `name`.
NAMED_BY_THE_PAGES = {
    # Chapter 6: the lazy "app_label.Model" string names the app label.
    "tests/test_connecting.py": [('"blog.Post"', '"catalog.Post"')],
    # Chapter 8: the test URLconf imports the project's own URLconf.
    "tests/urls_with_error.py": [("tutorial_site.urls", "shop.urls")],
}
PROJECT_URLS = """\
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),  # chapter 5
    path("", include("catalog.urls")),  # chapter 7
]
"""


def renamed(text):
    text = IMPORT.sub(lambda m: m.group(1) + NEW_NAMES[m.group(2)], text)
    return re.sub(
        r'^(\s*name = )"(foo|bar|blog)"$',
        lambda m: f'{m.group(1)}"{NEW_NAMES[m.group(2)]}"',
        text,
        flags=re.MULTILINE,
    )


def section(path, name):
    """The lines between `# --8<-- [start:name]` and its end, as a page shows them."""
    text = (ROOT / path).read_text()
    start = text.index(f"# --8<-- [start:{name}]")
    return text[start : text.index(f"# --8<-- [end:{name}]", start)]


def shown_tests():
    """The node ids of the tests whose code chapters 4 to 8 include."""
    ids = set()
    for chapter in CHAPTERS:
        for path, name in re.findall(
            r'--8<-- "(tests/test_\w+\.py):(\w+)"', chapter.read_text()
        ):
            for test in re.findall(r"^def (test_\w+)", section(path, name), re.M):
                ids.add(f"{path}::{test}")
    return sorted(ids)


def copy_app(source, target):
    shutil.copytree(
        ROOT / source,
        target,
        ignore=shutil.ignore_patterns("__pycache__", "0*.py"),  # new migrations
    )
    for file in target.rglob("*.py"):
        file.write_text(renamed(file.read_text()))


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """A project, `shop`, with the demo's apps as accounts, audit and catalog."""
    project = tmp_path_factory.mktemp("learner")
    for old, new in NEW_NAMES.items():
        copy_app(old, project / new)
    # Chapter 7: the generic views find the templates under the app label.
    (project / "catalog/templates/blog").rename(project / "catalog/templates/catalog")
    (project / "templates").mkdir()
    shutil.copy(ROOT / "tutorial_site/templates/base.html", project / "templates")

    (project / "shop").mkdir()
    (project / "shop/__init__.py").touch()
    (project / "shop/urls.py").write_text(PROJECT_URLS)
    # Chapter 3's settings (its LOGGING among them), with these apps, and the
    # settings chapters 5 and 7 name.
    settings = (ROOT / "starter/mysite/settings.py").read_text()
    settings += f"""
INSTALLED_APPS = [
    *[app for app in INSTALLED_APPS if app.startswith("django.")],
    "accounts",
    "audit",
    "catalog",
]
ROOT_URLCONF = "shop.urls"
TEMPLATES[0]["DIRS"] = [BASE_DIR / "templates"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = LOGOUT_REDIRECT_URL = "blog:post_list"
{section("tutorial_site/settings.py", "spam_words")}
"""
    (project / "shop/settings.py").write_text(settings)

    (project / "tests").mkdir()
    for name in [
        "__init__.py",
        "conftest.py",
        "signal_capture.py",
        "urls_with_error.py",
        *{node.split("::")[0].removeprefix("tests/") for node in shown_tests()},
    ]:
        text = renamed((ROOT / "tests" / name).read_text())
        for old, new in NAMED_BY_THE_PAGES.get(f"tests/{name}", []):
            assert old in text, f"tests/{name} no longer has {old}"
            text = text.replace(old, new)
        (project / "tests" / name).write_text(text)
    (project / "pytest.ini").write_text(
        "[pytest]\nDJANGO_SETTINGS_MODULE = shop.settings\nfilterwarnings = error\n"
    )
    run(project, "-m", "django", "makemigrations", "accounts", "audit", "catalog")
    return project


def run(project, *arguments):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_"))
    }
    result = subprocess.run(
        [sys.executable, *arguments],
        cwd=project,
        env={**environment, "DJANGO_SETTINGS_MODULE": "shop.settings"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_every_test_the_chapters_show_passes_under_other_app_names(shop):
    tests = shown_tests()
    assert len(tests) > 30  # the includes really were found
    output = run(shop, "-m", "pytest", "-p", "no:cacheprovider", "-q", *tests)
    passed = int(re.search(r"(\d+) passed", output).group(1))
    skipped = re.search(r"(\d+) skipped", output)
    assert passed + (int(skipped.group(1)) if skipped else 0) == len(tests), output


def test_class_prepared_sees_the_renamed_apps_models(shop):
    output = run(
        shop,
        "-c",
        "import django; django.setup(); "
        "from catalog.prepared import PREPARED_MODELS; print(PREPARED_MODELS)",
    )
    assert output.strip() == str(
        ["catalog.Tag", "catalog.Post_tags", "catalog.Post", "catalog.Comment"]
    )
