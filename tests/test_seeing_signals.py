"""Chapter 12's examples: who listens to a signal, and what one request sent."""

import doctest
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

# --8<-- [start:imports]
from signal_watch.recording import SignalRecorder
from tests.conftest import PASSWORD

# --8<-- [end:imports]
CHAPTER = Path(__file__).resolve().parent.parent / "docs/chapters/12-seeing-signals.md"


def test_the_chapters_shell_session_prints_what_it_shows():
    (session,) = re.findall(r"```pycon\n(.*?)```", CHAPTER.read_text(), re.S)
    test = doctest.DocTestParser().get_doctest(session, {}, "chapter 12", None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    assert runner.run(test).failed == 0


# --8<-- [start:recorder]
def test_a_login_sends_user_logged_in_then_user_login(client, alice):
    with SignalRecorder() as recorder:
        client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    names = [send.name for send in recorder.records]
    assert names.index("user_logged_in") < names.index("user_login")
    login = recorder.records[names.index("user_login")]
    assert (login.sender, login.receivers) == ("foo.views.LoginView", 2)
    # --8<-- [end:recorder]
    # Around the whole request, the recorder also sees what the toolbar's
    # middleware cannot: the handler's request_started and request_finished.
    assert (names[0], names[-1]) == ("request_started", "request_finished")


# template_rendered outside tests: sent where the toolbar's Templates panel is on.
RENDER_ONE_TEMPLATE = """
import django

django.setup()
from django.conf import settings
from django.template import Context, Template
from django.test.signals import template_rendered

sent = []
template_rendered.connect(lambda sender, **kwargs: sent.append(sender), weak=False)
Template("{{ greeting }}").render(Context({"greeting": "hi"}))
print("debug_toolbar" in settings.INSTALLED_APPS, len(sent))
"""


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        # `make run`: DEBUG on, outside tests. The toolbar's Templates panel is
        # imported when the app is ready, and patches Template._render for the
        # whole process, whether or not the toolbar is shown.
        ({"DJANGO_DEBUG": "1"}, "True 1"),
        # The same settings without the toolbar (what a test run gets): no
        # instrumentation, no signal.
        ({"DJANGO_DEBUG": "1", "PYTEST_VERSION": "off"}, "False 0"),
    ],
    ids=["runserver-with-toolbar", "without-toolbar"],
)
def test_template_rendered_outside_tests_depends_on_the_toolbar(environment, expected):
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", RENDER_ONE_TEMPLATE],
        cwd=Path(__file__).resolve().parent.parent,
        env={
            **environ,
            **environment,
            "DJANGO_SETTINGS_MODULE": "tutorial_site.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == expected.split()
