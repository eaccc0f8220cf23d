"""Chapter 4: where receivers get connected, and what goes wrong elsewhere.

Each test writes a small app, `demo`, into a temporary folder, and starts Django
on it in a fresh process (the app registry can be populated only once per
process). The app has a model, Note, and a receiver module that imports it and
connects two receivers: one for Note, one for the user model through
get_user_model(). Only the place that imports the receiver module changes.
"""

import subprocess
import sys
import textwrap

import pytest

RECEIVERS = """
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Note


@receiver(post_save, sender=Note)
def note_saved(sender, instance, **kwargs):
    pass


@receiver(post_save, sender=get_user_model())
def user_saved(sender, instance, **kwargs):
    pass
"""

NOTE_MODEL = """
from django.db import models


class Note(models.Model):
    text = models.TextField()
"""

APP_CONFIG = """
from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
"""

READY_IMPORTS_SIGNALS = """

    def ready(self):
        from . import signals  # noqa: F401
"""

START_DJANGO = """
import sys

import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=sys.argv[1].split(","),
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
)
try:
    django.setup()
except Exception as error:
    print(f"{type(error).__name__}: {error}")
    raise SystemExit(0)

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save

from demo.models import Note

print("connected:", post_save.has_listeners(Note), post_save.has_listeners(get_user_model()))
for name in sys.argv[2:]:
    __import__(name)
    print(f"after importing {name}:", post_save.has_listeners(Note))
"""

AUTH_FIRST = "django.contrib.contenttypes,django.contrib.auth,demo"
DEMO_FIRST = "demo,django.contrib.contenttypes,django.contrib.auth"


def start_django(tmp_path, files, installed_apps, *imports_after):
    app = tmp_path / "demo"
    app.mkdir()
    files = {"__init__.py": "", "apps.py": APP_CONFIG, "models.py": NOTE_MODEL, **files}
    for name, text in files.items():
        (app / name).write_text(textwrap.dedent(text))
    result = subprocess.run(
        [sys.executable, "-c", START_DJANGO, installed_apps, *imports_after],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize("installed_apps", [AUTH_FIRST, DEMO_FIRST])
def test_receivers_imported_in_ready_connect_whatever_the_app_order(
    tmp_path, installed_apps
):
    # signals.py imports the app's models at the top: from ready() that is fine.
    lines = start_django(
        tmp_path,
        {"apps.py": APP_CONFIG + READY_IMPORTS_SIGNALS, "signals.py": RECEIVERS},
        installed_apps,
    )
    assert lines == ["connected: True True"]


def test_models_module_in_the_app_package_init_raises_app_registry_not_ready(
    tmp_path,
):
    # The package is imported while Django creates the AppConfigs, before any
    # model can be defined.
    lines = start_django(
        tmp_path,
        {"__init__.py": "from .models import Note  # noqa: F401\n"},
        AUTH_FIRST,
    )
    assert lines == ["AppRegistryNotReady: Apps aren't loaded yet."]


def test_models_imported_by_the_apps_module_raise_app_registry_not_ready(tmp_path):
    lines = start_django(
        tmp_path,
        {"apps.py": "from .models import Note  # noqa: F401\n" + APP_CONFIG},
        AUTH_FIRST,
    )
    assert lines == ["AppRegistryNotReady: Apps aren't loaded yet."]


def test_models_importing_the_receivers_first_is_a_circular_import(tmp_path):
    lines = start_django(
        tmp_path,
        {
            "models.py": "from . import signals  # noqa: F401\n" + NOTE_MODEL,
            "signals.py": RECEIVERS,
        },
        AUTH_FIRST,
    )
    assert len(lines) == 1
    assert lines[0].startswith(
        "ImportError: cannot import name 'Note' from partially initialized module 'demo.models'"
    )


def test_models_importing_the_receivers_last_works_until_they_need_every_model(
    tmp_path,
):
    files = {
        "models.py": NOTE_MODEL + "\nfrom . import signals  # noqa: E402, F401\n",
        "signals.py": RECEIVERS,
    }
    assert start_django(tmp_path, files, DEMO_FIRST) == ["connected: True True"]

    # The same receiver module, now looking a model up by name as it is
    # imported. From ready() that works; from models.py, Django is still
    # importing the apps' models and refuses.
    (tmp_path / "demo").rename(tmp_path / "first-try")
    files["signals.py"] = (
        "from django.apps import apps\n\nGroup = apps.get_model('auth', 'Group')\n"
        + RECEIVERS
    )
    assert start_django(tmp_path, files, DEMO_FIRST) == [
        "AppRegistryNotReady: Models aren't loaded yet."
    ]
    (tmp_path / "demo").rename(tmp_path / "second-try")
    files["apps.py"] = APP_CONFIG + READY_IMPORTS_SIGNALS
    files["models.py"] = NOTE_MODEL
    assert start_django(tmp_path, files, DEMO_FIRST) == ["connected: True True"]


def test_receivers_in_a_module_nobody_imported_yet_are_not_connected(tmp_path):
    # Receivers kept in views.py: connected only once something (the URLconf,
    # on the first request) imports the views. A management command, the shell
    # or a worker that never does runs without them.
    lines = start_django(tmp_path, {"views.py": RECEIVERS}, AUTH_FIRST, "demo.views")
    assert lines == ["connected: False False", "after importing demo.views: True"]
