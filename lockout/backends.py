# --8<-- [start:imports]
import logging
import math

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.utils import timezone

from .counting import (
    attempt_succeeded,
    client_address,
    countable,
    locked_until,
    possible_username,
    reserve_attempt,
)

logger = logging.getLogger(__name__)


# --8<-- [end:imports]
# --8<-- [start:backend]
class LockoutBackend(ModelBackend):
    """Django's ModelBackend, except that each attempt is counted before its
    password is checked, and refused unchecked once a limit is reached.

    It replaces ModelBackend in AUTHENTICATION_BACKENDS. Raising
    PermissionDenied makes authenticate() stop and send user_login_failed, as
    for any failed login. Every login form that calls authenticate() is
    covered, foo's and the admin's, with no change to their code.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if password is None:  # ModelBackend checks nothing without one
            return super().authenticate(request, username, password, **kwargs)
        if not possible_username(username):
            # No account can have it: fail at once, as a wrong password does,
            # rather than hash the password for an absurd name.
            return None
        if not countable(username):
            # A blank name: checked like any unknown one, never counted.
            return super().authenticate(request, username, password, **kwargs)
        address = client_address(request)
        try:
            with transaction.atomic():
                allowed = reserve_attempt(username, address)
        except DatabaseError:
            # An attempt that cannot be counted is not checked: otherwise an
            # attacker who overloads the database would guess without limit.
            logger.exception("could not count a login attempt; refused it")
            tell(request, "Logging in is not possible right now. Try again shortly.")
            raise PermissionDenied from None
        if not allowed:
            tell(request, locked_out_message(username, address))
            raise PermissionDenied
        user = super().authenticate(request, username, password, **kwargs)
        if user is not None:
            try:
                with transaction.atomic():
                    attempt_succeeded(username, address)
            except DatabaseError:
                logger.exception("could not reset the failed logins after a login")
        return user


def tell(request, message):
    """Show ``message`` on the next page, if there is a request to show it to."""
    if request is not None:
        messages.error(request, message, fail_silently=True)


def locked_out_message(username, address):
    until = locked_until(username, address) or timezone.now()
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return (
        "Too many failed logins for this user name. Logging in with it is "
        f"paused: try again in {minutes} minute{'s' if minutes != 1 else ''}."
    )


# --8<-- [end:backend]
