"""notify's slow receivers: when they fire, and how NOTIFY_DELIVERY runs their work."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection, transaction
from django.utils import timezone

from blog.models import Comment
from notify import tasks
from notify.models import Notification
from tests.conftest import PASSWORD
from tests.signal_capture import capture_signal
from tutorial_site.tasks_framework import (
    TaskResultStatus,
    task,
    task_enqueued,
    task_finished,
)

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


@pytest.fixture(autouse=True)
def instant_email(settings):
    settings.NOTIFY_EMAIL_SECONDS = 0


@pytest.fixture
def notify_log(signal_log):
    """The lines notify logs, as the terminal shows them."""
    return lambda: [line for line in signal_log() if line.startswith("[notify.")]


@pytest.fixture
def sync_delivery(settings):
    settings.NOTIFY_DELIVERY = "sync"


def notifications(kind):
    return list(Notification.objects.filter(kind=kind))


# The comment receiver -------------------------------------------------------------


@pytest.mark.usefixtures("sync_delivery")
def test_new_comment_notifies_the_post_author_once(post, alice, bob, notify_log):
    comment = Comment.objects.create(post=post, author=bob, body="Nice.")

    [notification] = notifications(Notification.Kind.NEW_COMMENT)
    assert notification.recipient == alice
    assert notification.comment == comment
    assert notification.text == "bob commented on “A post about signals”"
    assert (
        f"[notify.signals] post_save Comment(pk={comment.pk}): email the post's author "
        "(delivery=sync)" in notify_log()
    )


@pytest.mark.usefixtures("sync_delivery")
def test_editing_a_comment_notifies_nobody(comment):
    Notification.objects.all().delete()
    comment.body = "Edited."
    comment.save()
    assert not Notification.objects.exists()


@pytest.mark.usefixtures("sync_delivery")
def test_authors_are_not_notified_of_their_own_comments(post, alice):
    Comment.objects.create(post=post, author=alice, body="Replying to myself.")
    assert not Notification.objects.exists()


@pytest.mark.usefixtures("sync_delivery")
def test_held_back_spam_notifies_nobody(post, bob):
    comment = Comment.objects.create(post=post, author=bob, body="casino")
    assert comment.is_public is False
    assert not Notification.objects.exists()


@pytest.mark.usefixtures("sync_delivery")
def test_raw_saves_notify_nobody(post, bob):
    # raw=True is what loaddata sends: fixtures must not send emails.
    fixture = Comment(post=post, author=bob, body="x", created_at=timezone.now())
    fixture.save_base(raw=True)
    assert Comment.objects.count() == 1
    assert not Notification.objects.exists()


def test_on_commit_runs_after_the_commit_and_never_after_a_rollback(
    settings, post, bob, django_capture_on_commit_callbacks
):
    settings.NOTIFY_DELIVERY = "on_commit"
    with (
        django_capture_on_commit_callbacks() as rolled_back,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        Comment.objects.create(post=post, author=bob, body="Rolled back.")
        raise RuntimeError
    assert rolled_back == []

    with django_capture_on_commit_callbacks() as callbacks:
        comment = Comment.objects.create(post=post, author=bob, body="Kept.")
        assert not Notification.objects.exists()  # not yet: no commit so far
    assert len(callbacks) == 1
    callbacks[0]()
    assert Notification.objects.get().comment == comment


def test_task_delivery_enqueues_once_committed(
    settings, post, bob, django_capture_on_commit_callbacks
):
    settings.NOTIFY_DELIVERY = "task"
    with capture_signal(task_enqueued) as enqueued:
        with django_capture_on_commit_callbacks() as callbacks:
            comment = Comment.objects.create(post=post, author=bob, body="Queued.")
        assert enqueued == []  # nothing is queued before the commit
        for callback in callbacks:
            callback()

    [call] = enqueued
    result = call.kwargs["task_result"]
    assert result.task.func is tasks.email_post_author.func
    assert (list(result.args), result.kwargs) == ([comment.pk], {})
    # The default backend runs the task at once, in this process.
    assert Notification.objects.get().comment == comment


# A failed task -----------------------------------------------------------------


@task()
def another_apps_task():
    raise ConnectionError("not notify's")


def test_a_failed_notify_task_is_reported_once(monkeypatch, comment, notify_log):
    def mail_server_down():
        raise ConnectionError("mail server down")

    monkeypatch.setattr(tasks, "send_email", mail_server_down)
    with capture_signal(task_finished) as finished:
        result = tasks.email_post_author.enqueue(comment.pk)

    [call] = finished
    assert call.kwargs["task_result"] is result
    assert result.status == TaskResultStatus.FAILED
    assert not Notification.objects.exists()
    assert notify_log() == [
        "[notify.signals] task_finished notify.tasks.email_post_author failed "
        "(builtins.ConnectionError): no email was sent"
    ]


def test_a_task_that_succeeds_or_is_not_notifys_is_not_reported(comment, notify_log):
    with capture_signal(task_finished) as finished:
        succeeded = tasks.email_post_author.enqueue(comment.pk)
        failed = another_apps_task.enqueue()

    assert [c.kwargs["task_result"].status for c in finished] == [
        TaskResultStatus.SUCCESSFUL,
        TaskResultStatus.FAILED,
    ]
    assert (succeeded.status, failed.status) == (
        TaskResultStatus.SUCCESSFUL,
        TaskResultStatus.FAILED,
    )
    assert not [line for line in notify_log() if "task_finished" in line]
    assert Notification.objects.count() == 1


def test_task_for_a_deleted_comment_does_nothing(db):
    assert tasks.email_post_author.call(123456) is None
    assert not Notification.objects.exists()


# The login receiver ------------------------------------------------------------------


@pytest.mark.usefixtures("sync_delivery")
def test_login_sends_a_sign_in_alert(client, alice, notify_log):
    response = client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    [notification] = notifications(Notification.Kind.NEW_LOGIN)
    assert notification.recipient == alice
    assert notification.text == "New sign-in from 127.0.0.1"
    assert (
        "[notify.signals] user_login user='alice': sign-in alert (delivery=sync)"
        in (notify_log())
    )
    assert all(PASSWORD not in line for line in notify_log())


@pytest.mark.usefixtures("sync_delivery")
def test_failed_login_sends_no_alert(client, alice):
    response = client.post(LOGIN_URL, {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert not Notification.objects.exists()


def test_login_alert_is_queued_with_json_friendly_arguments(
    settings, client, alice, django_capture_on_commit_callbacks
):
    settings.NOTIFY_DELIVERY = "task"
    with (
        capture_signal(task_enqueued) as enqueued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD})

    [call] = enqueued
    result = call.kwargs["task_result"]
    assert result.task.func is tasks.email_login_alert.func
    assert list(result.args) == [alice.pk, "127.0.0.1"]


def test_unknown_remote_address_is_not_passed_on(settings, rf, alice):
    from notify.signals import client_address

    request = rf.get("/", REMOTE_ADDR="not an address\r\nFAKE")
    assert client_address(request) is None


# The setting ---------------------------------------------------------------------------


def test_an_unknown_delivery_mode_fails_the_system_checks(settings):
    settings.NOTIFY_DELIVERY = "carrier pigeon"
    with pytest.raises(SystemCheckError, match=r"notify\.E001"):
        call_command("check")


# When the task cannot be queued ------------------------------------------------------
# A comment's notification goes with the comment: never a saved comment behind an
# error page (the reader would post it again), never a comment whose email is
# silently dropped.


def comment_url(post):
    return f"{post.get_absolute_url()}comments/"


@pytest.fixture
def database_queue(settings):
    settings.NOTIFY_DELIVERY = "task"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def refuse_queued_tasks(db):
    """A real database error, raised by SQLite on every insert into the queue."""
    from django_tasks_db.models import DBTaskResult

    table = DBTaskResult._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TRIGGER refuse_tasks BEFORE INSERT ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'the task queue is full'); END"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS refuse_tasks")


@pytest.mark.usefixtures("database_queue")
def test_database_queue_stores_the_comment_and_its_task_together(client, post, bob):
    from django_tasks_db.models import DBTaskResult

    client.force_login(bob)
    response = client.post(comment_url(post), {"body": "Queued with its comment."})

    assert response.status_code == 302
    comment = Comment.objects.get()
    task = DBTaskResult.objects.get(task_path="notify.tasks.email_post_author")
    assert task.task_result.args == [comment.pk]
    assert task.status == "READY"  # for the worker; nothing ran in the request
    assert not Notification.objects.exists()


@pytest.mark.usefixtures("database_queue", "refuse_queued_tasks")
def test_database_queue_failure_stores_neither_and_keeps_the_form(
    client, post, bob, caplog
):
    from django_tasks_db.models import DBTaskResult

    client.force_login(bob)
    response = client.post(comment_url(post), {"body": "Not lost, just refused."})

    assert response.status_code == 503
    assert "could not be saved" in response.text
    assert "Not lost, just refused." in response.text  # the form keeps the text
    assert not Comment.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert "the task queue is full" in caplog.text


@pytest.mark.usefixtures("database_queue")
def test_after_a_database_queue_failure_the_same_post_goes_through(
    client, post, bob, refuse_queued_tasks
):
    from django_tasks_db.models import DBTaskResult

    client.force_login(bob)
    assert client.post(comment_url(post), {"body": "Again."}).status_code == 503
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse_tasks")  # the queue is back

    assert client.post(comment_url(post), {"body": "Again."}).status_code == 302
    assert Comment.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_immediate_queue_failure_after_the_commit_is_logged_not_a_500(
    settings, client, post, bob, signal_log, django_capture_on_commit_callbacks
):
    # A queue outside the database (the immediate backend here; a broker in
    # production) cannot roll back with the comment: it is queued once the
    # comment is committed. If that fails, the comment stays, published, and
    # the log says which task was not queued.
    settings.NOTIFY_DELIVERY = "task"
    backend = tasks.email_post_author.get_backend()
    client.force_login(bob)
    with (
        mock.patch.object(
            type(backend), "enqueue", side_effect=ConnectionError("queue unreachable")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(comment_url(post), {"body": "Saved, not queued."})

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.is_public
    assert "Your comment is published." in client.get(response.url).text
    assert not Notification.objects.exists()
    assert (
        "[notify.signals] could not queue notify.tasks.email_post_author"
        f"({comment.pk}): ConnectionError('queue unreachable')"
    ) in signal_log()


def test_immediate_queue_still_runs_the_task_once_committed(
    settings, client, post, bob, django_capture_on_commit_callbacks
):
    settings.NOTIFY_DELIVERY = "task"
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(comment_url(post), {"body": "Emailed."})
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert Notification.objects.get().comment == Comment.objects.get()
