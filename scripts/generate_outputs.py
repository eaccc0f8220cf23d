"""Write the terminal output that the tutorial's pages show, by running the code.

    python scripts/generate_outputs.py [OUTPUT_DIR]      (or: make outputs)

Each scenario below does what a learner does in the browser (log in, comment,
log out...) with Django's test client, on a throwaway in-memory database, and
writes the lines the project's receivers log to OUTPUT_DIR/<scenario>.txt
(default: docs/outputs/). The pages include those files, and
tests/test_outputs.py fails whenever they differ from what the code prints now.

The runs are deterministic: a fresh database (so the same primary keys), the
test client's fixed address, and receivers that log no timestamps.
"""

import io
import logging
import os
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "tutorial_site.settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from blog.models import Post, Tag  # noqa: E402
from foo.signals import user_login  # noqa: E402

# Chapters 4 to 6 come before the lockout app (chapter 9) and the notify app
# (chapter 10). For them, these outputs are also written keeping only the lines
# of the apps met so far, as "<name>-foo-bar-blog.txt".
FIRST_APPS = ("foo", "bar", "blog")
FIRST_APPS_VARIANTS = ["login", "login-failed"]


class Recorder(logging.Handler):
    """Keeps each record as the runserver terminal shows it.

    A receiver's line goes through the root logger's handler (apps_console):
    its filter and its "[module] message" format. An error (send_robust()
    reporting a receiver that raised) is formatted as the project's
    errors_console handler prints it, with the traceback cut to its first and
    last lines: the frames between name files of the machine that ran the script.
    """

    def __init__(self):
        super().__init__(level=logging.INFO)
        self.lines = []
        # The app (first part of the logger's name) of each line, in step.
        self.apps = []
        config = settings.LOGGING
        self.shown = config["filters"]["not_django"]["callback"]
        line_format = config["formatters"]["module"]
        self.line_format = logging.Formatter(
            line_format["format"], style=line_format["style"]
        )
        self.error_format = logging.Formatter(
            config["formatters"]["with_level"]["format"]
        )

    def emit(self, record):
        if record.name == "django.dispatch":
            text = self.error_format.format(record).splitlines()
            text = [*text[:2], "  ...", text[-1]] if len(text) > 3 else text
        elif self.shown(record):
            text = [self.line_format.format(record)]
        else:
            return
        self.lines += text
        self.apps += [record.name.partition(".")[0]] * len(text)

    def lines_of(self, apps):
        return [
            line for line, app in zip(self.lines, self.apps, strict=True) if app in apps
        ]


def record_project_logs():
    recorder = Recorder()
    # Instead of printing to stdout (the root logger's handler, which every
    # app's logger reaches) or stderr (django.dispatch's own handler).
    for logger in [logging.getLogger(), logging.getLogger("django.dispatch")]:
        logger.handlers = [recorder]
    return recorder


def explode(sender, **kwargs):
    """A receiver of user_login that fails, as in chapter 9."""
    raise RuntimeError("the audit service is down")


def scenarios(client):
    """(name, action) pairs, run in this order on the same database."""
    hello = "/posts/hello-signals/"

    def demo_data():
        with override_settings(DEBUG=True):  # the command is for development only
            call_command("load_demo_data", stdout=io.StringIO())

    def login_failed():
        client.post(
            "/accounts/login/",
            {"username": "alice", "password": "not-her-password"},
        )

    def login():
        client.post(
            "/accounts/login/",
            {"username": "alice", "password": "learn-signals-42"},
        )

    def edit_and_tag_post():
        post = Post.objects.get(slug="model-signals-in-practice")
        post.title = "Model signals, in practice"
        post.save(update_fields=["title"])
        orm = Tag.objects.create(name="orm")
        post.tags.add(orm)
        post.tags.remove(orm)
        post.tags.clear()

    def delete_post():
        Post.objects.get(slug="hello-signals").delete()

    def broken_page():
        # Django's own "Internal Server Error" report with the traceback goes to
        # the django.request logger; it is not a receiver's output, keep it quiet.
        django_request = logging.getLogger("django.request")
        django_request.disabled = True
        try:
            with override_settings(ROOT_URLCONF="tests.urls_with_error"):
                Client(raise_request_exception=False).get("/broken/")
        finally:
            django_request.disabled = False

    def login_with_a_failing_receiver():
        user_login.connect(explode)
        try:
            login()
        finally:
            user_login.disconnect(explode)

    def login_while_the_mail_server_is_down():
        # notify's sign-in alert task fails; its task_finished receiver says so.
        def mail_server_down():
            raise ConnectionError("the mail server is down")

        with mock.patch("notify.tasks.send_email", mail_server_down):
            Client().post(
                "/accounts/login/",
                {"username": "alice", "password": "learn-signals-42"},
            )

    return [
        ("demo-data", demo_data),
        ("post-list", lambda: client.get("/")),
        ("login-failed", login_failed),
        ("login", login),
        ("comment", lambda: client.post(hello + "comments/", {"body": "Thanks!"})),
        (
            "comment-spam",
            lambda: client.post(hello + "comments/", {"body": "Win at our casino"}),
        ),
        ("logout", lambda: client.post("/accounts/logout/")),
        ("edit-and-tag-post", edit_and_tag_post),
        ("delete-post", delete_post),
        ("got-request-exception", broken_page),
        ("login-receiver-error", login_with_a_failing_receiver),
        ("task-failed", login_while_the_mail_server_is_down),
    ]


def main(output_dir):
    output_dir.mkdir(parents=True, exist_ok=True)
    recorder = record_project_logs()
    # What the test runner does: allow the test client's host, instrument
    # templates. Fast password hashing; no hash is ever printed.
    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    outputs = {}
    # Creating the in-memory database runs `migrate`: the first scenario.
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    outputs["migrate"] = recorder.lines
    client = Client()
    for name, action in scenarios(client):
        recorder.lines, recorder.apps = [], []
        action()
        outputs[name] = recorder.lines
        if name in FIRST_APPS_VARIANTS:
            outputs[f"{name}-foo-bar-blog"] = recorder.lines_of(FIRST_APPS)

    for name, lines in outputs.items():
        (output_dir / f"{name}.txt").write_text("".join(f"{line}\n" for line in lines))
    print(f"Wrote {len(outputs)} files to {output_dir}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "outputs")
