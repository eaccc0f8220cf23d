"""Receivers of lockout. Importing this module connects them (see LockoutConfig)."""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.db import DatabaseError, transaction
from django.dispatch import receiver

from .counting import countable, locked_until, record_failure

logger = logging.getLogger(__name__)


# --8<-- [start:receiver]
@receiver(user_login_failed)
def count_failed_login(sender, credentials, request=None, **kwargs):
    username = credentials.get(get_user_model().USERNAME_FIELD)
    if not countable(username):
        return
    try:
        # A savepoint: a failed write must not spoil a transaction around the
        # request (ATOMIC_REQUESTS) for the queries that come after it.
        with transaction.atomic():
            counted = record_failure(username)
    except DatabaseError:
        # authenticate() sends user_login_failed with send(): raising here
        # would turn a wrong password into a server error. Log it instead.
        logger.exception("could not count a failed login")
        return
    logger.info(
        "user_login_failed user=%r counted=%s locked_out=%s",
        # Not a name typed by mistake into the user-name box: that may be a password.
        username if is_account(username) else "<not an account>",
        counted,
        locked_until(username) is not None,
    )


def is_account(username):
    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).exists()


# --8<-- [end:receiver]
