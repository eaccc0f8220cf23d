"""Receivers of lockout. Importing this module connects them (see LockoutConfig)."""

# --8<-- [start:imports]
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.db import DatabaseError
from django.dispatch import receiver

from .counting import client_address, countable, failures, locked_until

logger = logging.getLogger(__name__)


# --8<-- [end:imports]
# --8<-- [start:receiver]
@receiver(user_login_failed)
def report_failed_login(sender, credentials, request=None, **kwargs):
    """One line per failed login: how many failures its user name and address
    have now, and whether logging in with that name is paused.

    The counting itself happens in LockoutBackend, before the password is
    checked. This signal is sent after the check, too late to count in: by
    then, parallel attempts have all been checked.
    """
    username = credentials.get(get_user_model().USERNAME_FIELD)
    if not countable(username):
        return
    address = client_address(request)
    try:
        counted = failures(username, address)
        locked_out = locked_until(username, address) is not None
    except DatabaseError:
        # authenticate() sends user_login_failed with send(): raising here
        # would turn a failed login into a server error. Log it instead.
        logger.exception("could not read the failed logins")
        return
    logger.info(
        "user_login_failed user=%r client=%s failures=%d/%d locked_out=%s",
        # Not a name typed by mistake into the user-name box: that may be a password.
        username if is_account(username) else "<not an account>",
        address,
        counted,
        settings.LOGIN_LOCKOUT_LIMIT,
        locked_out,
    )


def is_account(username):
    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).exists()


# --8<-- [end:receiver]
