"""The task queue for real: a db_worker process runs what the requests enqueue.

This test does not use pytest-django's database: the worker is another process
and cannot see an in-memory test database, or rows inside a transaction that is
never committed. It works on a throwaway SQLite file (bench.throwaway) instead.
"""

# --8<-- [start:imports]
import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from bench.throwaway import start_worker, stop_worker, throwaway_database
from blog.models import Post
from notify.models import Notification
from tests.conftest import PASSWORD

# --8<-- [end:imports]
# --8<-- [start:helpers]
WAIT_SECONDS = 30


@pytest.fixture
def queue_settings(settings):
    settings.NOTIFY_DELIVERY = "task"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def wait_for(condition, timeout=WAIT_SECONDS):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Gave up after {timeout} s")
        time.sleep(0.05)


# --8<-- [end:helpers]
# --8<-- [start:worker-test]
@pytest.mark.usefixtures("queue_settings")
def test_worker_runs_queued_login_and_comment_tasks_after_the_requests_return(
    django_db_blocker,
):
    from django_tasks_db.models import DBTaskResult

    with django_db_blocker.unblock(), throwaway_database() as database:
        User = get_user_model()
        alice = User.objects.create_user("alice", password=PASSWORD)
        bob = User.objects.create_user("bob", password=PASSWORD)
        post = Post.objects.create(title="Queued", body="x", author=alice)
        worker = start_worker(database, interval=0.05)
        try:
            client = Client()
            login = client.post(
                "/accounts/login/", {"username": "bob", "password": PASSWORD}
            )
            login_returned = timezone.now()
            comment = client.post(
                f"{post.get_absolute_url()}comments/", {"body": "Queued comment."}
            )
            comment_returned = timezone.now()
            assert (login.status_code, comment.status_code) == (302, 302)

            wait_for(lambda: Notification.objects.count() == 2)
            wait_for(lambda: not DBTaskResult.objects.exclude(status="SUCCESSFUL"))
        finally:
            assert stop_worker(worker) == 0

        alert = Notification.objects.get(kind=Notification.Kind.NEW_LOGIN)
        assert alert.recipient == bob
        email = Notification.objects.get(kind=Notification.Kind.NEW_COMMENT)
        assert (email.recipient, email.comment.author) == (alice, bob)
        # Each request had returned before its task's effect existed: neither
        # waited for the (50 ms) work that the worker did afterwards.
        assert alert.created_at > login_returned
        assert email.created_at > comment_returned

        tasks = {t.task_path: t for t in DBTaskResult.objects.all()}
        assert sorted(tasks) == [
            "notify.tasks.email_login_alert",
            "notify.tasks.email_post_author",
        ]
        for result in tasks.values():
            assert result.status == "SUCCESSFUL"
            assert len(result.worker_ids) == 1  # run once, by the worker
        assert tasks["notify.tasks.email_post_author"].return_value == email.pk


# --8<-- [end:worker-test]
def test_without_a_queue_the_request_waits_for_the_notification(
    settings, alice_client, post, bob
):
    # The contrast: synchronous delivery, the email exists before the response.
    settings.NOTIFY_DELIVERY = "sync"
    post.author = bob
    post.save()
    response = alice_client.post(f"{post.get_absolute_url()}comments/", {"body": "x"})
    returned = timezone.now()
    assert response.status_code == 302
    assert Notification.objects.get().created_at < returned
