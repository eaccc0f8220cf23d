"""The slow work that notify's receivers hand off (see notify.signals).

Tasks take primary keys, not model instances: a queue stores the arguments as
JSON, and the worker that reads them back may run much later, in another process.
"""

import logging
import time

from django.conf import settings
from django.contrib.auth import get_user_model

from blog.models import Comment
from tutorial_site.tasks_framework import task  # django.tasks, or the 5.2 backport

from .models import Notification

logger = logging.getLogger(__name__)


def send_email():
    """Stands in for talking to a mail server: all it does is take time."""
    time.sleep(settings.NOTIFY_EMAIL_SECONDS)


# --8<-- [start:email_post_author]
@task()
def email_post_author(comment_id):
    comment = (
        Comment.objects.select_related("author", "post__author")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        return None  # deleted before the task ran: nothing left to announce
    send_email()
    notification = Notification.objects.create(
        recipient=comment.post.author,
        kind=Notification.Kind.NEW_COMMENT,
        comment=comment,
        text=f"{comment.author} commented on “{comment.post}”",
    )
    logger.info(
        "emailed the author of post_id=%s about comment_id=%s",
        comment.post_id,
        comment.pk,
    )
    return notification.pk


# --8<-- [end:email_post_author]
@task()
def email_login_alert(user_id, remote_addr):
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    send_email()
    notification = Notification.objects.create(
        recipient=user,
        kind=Notification.Kind.NEW_LOGIN,
        text=f"New sign-in from {remote_addr or 'an unknown address'}",
    )
    logger.info("emailed a sign-in alert to user_id=%s", user.pk)
    return notification.pk
