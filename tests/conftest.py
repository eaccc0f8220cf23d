import logging

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from blog.models import Comment, Post, Tag

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # The default hasher is slow on purpose; tests do not need that.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def terminal_line(record):
    """A record as the runserver terminal shows it, or None if it shows nowhere there.

    Uses the filter and the format of the settings' root handler, so the tests
    read what a learner reads: "[blog.signals] user_logged_in ...".
    """
    logging_settings = django_settings.LOGGING
    if not logging_settings["filters"]["not_django"]["callback"](record):
        return None
    spec = logging_settings["formatters"]["module"]
    record.message = record.getMessage()
    return logging.Formatter(spec["format"], style=spec["style"]).formatMessage(record)


@pytest.fixture
def signal_log(caplog):
    """The lines the project's receivers log, as the runserver terminal shows them."""
    caplog.set_level(logging.INFO)

    def lines():
        shown = (terminal_line(record) for record in caplog.records)
        return [line for line in shown if line is not None]

    return lines


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user(
        username="alice", email="alice@example.com", password=PASSWORD
    )


@pytest.fixture
def bob(db):
    return get_user_model().objects.create_user(username="bob", password=PASSWORD)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def post(alice):
    post = Post.objects.create(title="A post about signals", body="Body.", author=alice)
    post.tags.add(Tag.objects.create(name="signals"))
    return post


@pytest.fixture
def comment(post, bob):
    return Comment.objects.create(post=post, author=bob, body="Nice post.")


# A test database in a file. Django's default test database for SQLite lives in
# memory, shared between connections in a mode that locks whole tables and
# ignores the busy timeout. Tests that run real threads (tests/test_lockout.py)
# need what the server gets: a file, in WAL mode, each thread waiting its turn.
@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, tmp_path_factory
):
    from django.conf import settings

    test_settings = settings.DATABASES["default"].setdefault("TEST", {})
    test_settings["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")
