"""Receivers of audit, connected by AuditConfig.ready()."""

import logging

from .models import LoginEvent

logger = logging.getLogger(__name__)


def record_login(sender, request, user, **kwargs):
    """Receiver of accounts' login_succeeded: keep one LoginEvent per login."""
    event = LoginEvent.objects.create(user=user)
    # %r quotes the user name, so a name with a line break stays on one line.
    logger.info("%r logged in (login event %s)", user.get_username(), event.pk)
