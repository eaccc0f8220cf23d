"""Chapter 12's examples: who listens to a signal, and what one request sent."""

import doctest
import re
from pathlib import Path

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
