"""Receivers of bar. They are connected in BarConfig.ready()."""

# --8<-- [start:imports]
import logging

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import transaction

from .models import LoginRecord

logger = logging.getLogger(__name__)


# --8<-- [end:imports]
# --8<-- [start:client_address]
def client_address(request):
    """REMOTE_ADDR if it is an IP address, else None (it comes from the server)."""
    address = request.META.get("REMOTE_ADDR") or ""
    try:
        validate_ipv46_address(address)
    except ValidationError:
        return None
    return address
    # --8<-- [end:client_address]


# --8<-- [start:record_login]
def record_login(sender, request, user, **kwargs):
    """Receiver of foo's ``user_login``: log the login and keep a LoginRecord."""
    # A savepoint: should the write fail, only it is rolled back, and a
    # transaction around the request (ATOMIC_REQUESTS) stays usable. The error
    # still propagates: foo's send_robust() logs it with its traceback.
    with transaction.atomic():
        record = LoginRecord.objects.create(
            user=user, remote_addr=client_address(request)
        )
    # %r quotes the values and escapes line breaks, so a user name such as
    # "a\r\nFAKE LINE" cannot forge a second line in the log.
    logger.info(
        "user_login sender=%s user=%r remote_addr=%r record_id=%s",
        sender.__name__,
        user.get_username(),
        record.remote_addr,
        record.pk,
    )
    # --8<-- [end:record_login]
