"""notify's slow receivers: when they fire, and how NOTIFY_DELIVERY runs their work."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import transaction
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
