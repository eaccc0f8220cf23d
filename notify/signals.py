"""notify's receivers: each reacts to a signal by handing slow work to a task.

How that work runs is a setting, NOTIFY_DELIVERY, so that the benchmark
(`manage.py signal_bench`) and chapter 10 can compare the three ways.
"""

# --8<-- [start:imports]
import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_tasks_db import DatabaseBackend

from bar.signals import client_address
from blog.models import Comment
from tutorial_site.tasks_framework import TaskResultStatus, task_finished

from . import tasks

logger = logging.getLogger(__name__)


# --8<-- [end:imports]
# --8<-- [start:deliver]
def deliver(task, *args):
    """Run ``task`` with ``args`` the way settings.NOTIFY_DELIVERY says."""
    mode = settings.NOTIFY_DELIVERY
    if mode == "sync":
        # Right now, inside the receiver: the request waits, and a rollback
        # later on would leave an email about a comment that never existed.
        task.call(*args)
    elif mode == "on_commit":
        # Once the data is committed, so no email about a rolled-back row,
        # but still in this process: the request waits all the same.
        transaction.on_commit(partial(task.call, *args))
    elif stored_in_this_transaction(task):
        # The database backend's queue is a table: the task row is written in
        # the transaction that is saving the data, so both are committed or
        # neither is, and a worker cannot see the task before its data.
        task.enqueue(*args)
    else:
        # A queue outside the transaction (the immediate backend, a broker):
        # queue once the data is committed. It cannot roll back with the data,
        # so a failure then is logged, not turned into an error page for data
        # that is saved.
        transaction.on_commit(partial(enqueue_or_log, task, *args))


def stored_in_this_transaction(task):
    """Whether enqueueing ``task`` now writes into the open transaction: the
    database backend (on the default database, as here) inside atomic()."""
    return (
        isinstance(task.get_backend(), DatabaseBackend)
        and transaction.get_connection().in_atomic_block
    )


def enqueue_or_log(task, *args):
    try:
        task.enqueue(*args)
    except Exception as error:
        arguments = ", ".join(map(repr, args))
        logger.exception(
            "could not queue %s(%s): %r", task.module_path, arguments, error
        )


# --8<-- [end:deliver]
# --8<-- [start:new_comment]
@receiver(post_save, sender=Comment, dispatch_uid="notify.new_comment")
def email_author_about_comment(sender, instance, created, raw, **kwargs):
    # New, public comments only; no email to authors about their own comments.
    if not created or raw or not instance.is_public:
        return
    if instance.author_id == instance.post.author_id:
        return
    logger.info(
        "post_save Comment(pk=%s): email the post's author (delivery=%s)",
        instance.pk,
        settings.NOTIFY_DELIVERY,
    )
    deliver(tasks.email_post_author, instance.pk)


# --8<-- [end:new_comment]
def alert_new_login(sender, request, user, **kwargs):
    """Receiver of foo's ``user_login`` (connected in NotifyConfig.ready())."""
    logger.info(
        "user_login user=%r: sign-in alert (delivery=%s)",
        user.get_username(),
        settings.NOTIFY_DELIVERY,
    )
    deliver(tasks.email_login_alert, user.pk, client_address(request))


# --8<-- [start:task_failed]
@receiver(task_finished, dispatch_uid="notify.task_failed")
def report_failed_task(sender, task_result, **kwargs):
    """Say so when one of notify's tasks fails: its email was never sent.

    task_finished comes from the process that ran the task: the request's with
    the immediate backend, the worker's with the database backend. The framework
    logs the traceback itself (tutorial_site/settings.py sends it to stderr).
    """
    task_path = task_result.task.module_path
    if not task_path.startswith(f"{tasks.__name__}."):
        return  # another app's task
    if task_result.status != TaskResultStatus.FAILED:
        return
    logger.warning(
        "task_finished %s failed (%s): no email was sent",
        task_path,
        task_result.errors[-1].exception_class_path,
    )


# --8<-- [end:task_failed]
