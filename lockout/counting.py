"""Counting login attempts before their password is checked, at any concurrency.

An attempt takes its place in two counters before its password is checked:
the one of its user name and client address (at most LOGIN_LOCKOUT_LIMIT) and
the one of its user name from all addresses (at most LOGIN_LOCKOUT_NAME_LIMIT).
Taking a place is one UPDATE whose WHERE clause holds the limit, so the
database, not Python, decides who gets the last one: requests that arrive
together cannot all slip through. An attempt whose password proves right
gives its places back. A counter holds a keyed digest of its user name, never
the name: that may be a password typed into the user-name box.
"""

# --8<-- [start:imports]
import ipaddress

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import ALL_ADDRESSES, FailedLogins


# --8<-- [end:imports]
def possible_username(username):
    """False for a name no account can have: longer than the user model allows,
    or holding a NUL. The login form refuses those before authenticate()."""
    User = get_user_model()
    max_length = User._meta.get_field(User.USERNAME_FIELD).max_length
    return (
        isinstance(username, str)
        and (max_length is None or len(username) <= max_length)
        and "\x00" not in username
    )


def countable(username):
    """Whether attempts with this name are counted: a possible name, not blank.

    An empty or blank name in particular is never counted, or one stray
    request would lock out everybody who leaves the field empty.
    """
    return possible_username(username) and username.strip() != ""


# --8<-- [start:digest]
def username_digest(username):
    """What a counter stores instead of the user name: an HMAC of it, keyed
    with SECRET_KEY, so that a name cannot be found back by trying guesses
    without the key. A new SECRET_KEY starts every count afresh."""
    return salted_hmac("lockout.FailedLogins", username, algorithm="sha256").hexdigest()


def counter(username, address):
    """The counter of ``username`` from ``address``: a queryset of one row or none."""
    return FailedLogins.objects.filter(
        username_digest=username_digest(username), client_address=address
    )


# --8<-- [end:digest]
def client_address(request):
    """Where an attempt comes from: REMOTE_ADDR, or for IPv6 its /64 network.

    One IPv6 machine usually has a whole /64 to pick addresses from. Behind a
    reverse proxy, REMOTE_ADDR is the proxy's: set it from the proxy's header
    first (in a middleware that trusts only your proxy), or every visitor
    shares one address here.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return "unknown"
    if address.version == 6 and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


# --8<-- [start:reserve]
def counters(address):
    """(client address, limit) of the two counters an attempt goes through."""
    return [
        (address, settings.LOGIN_LOCKOUT_LIMIT),
        (ALL_ADDRESSES, settings.LOGIN_LOCKOUT_NAME_LIMIT),
    ]


def reserve_attempt(username, address):
    """Count one attempt before its password is checked; False if it must be refused.

    Refused attempts are not counted, so they do not stretch a lockout: it
    ends LOGIN_LOCKOUT_WINDOW after the last attempt that was let through.
    """
    taken = []
    for counter_address, limit in counters(address):
        if not take_place(username, counter_address, limit):
            for taken_address in taken:  # this attempt will not be checked
                give_back(username, taken_address)
            return False
        taken.append(counter_address)
    return True


def take_place(username, address, limit):
    """Add 1 to one counter unless it is at its limit; False if it is."""
    now = timezone.now()
    window_start = now - settings.LOGIN_LOCKOUT_WINDOW
    row = counter(username, address)

    def count():
        # One UPDATE statement. The database checks the limit and adds 1 on
        # the row as it is when the statement runs: of 20 requests sent
        # together, exactly `limit` find room. The Case restarts a count whose
        # last attempt is older than the window.
        return row.filter(
            Q(failures__lt=limit) | Q(last_failure_at__lte=window_start)
        ).update(
            failures=Case(
                When(last_failure_at__lte=window_start, then=Value(1)),
                default=F("failures") + 1,
            ),
            last_failure_at=now,
        )

    if count():
        return True
    if not row.exists():
        try:
            # A savepoint, so a lost race does not break an enclosing transaction.
            with transaction.atomic():
                FailedLogins.objects.create(
                    username_digest=username_digest(username),
                    client_address=address,
                    failures=1,
                    last_failure_at=now,
                )
            return True
        except IntegrityError:
            pass  # another request created the row in the meantime
    return bool(count())


# --8<-- [end:reserve]
# --8<-- [start:succeeded]
def attempt_succeeded(username, address):
    """The password was right: forget the failures from this address, and give
    the name's counter its place back.

    The counter of all addresses keeps the failures from the others: otherwise
    every login of the real user would hand a distributed attacker a fresh
    allowance.
    """
    counter(username, address).delete()
    give_back(username, ALL_ADDRESSES)


def give_back(username, address):
    counter(username, address).filter(failures__gt=0).update(failures=F("failures") - 1)


# --8<-- [end:succeeded]
def locked_until(username, address):
    """When the lockout of ``username`` from ``address`` ends, or None if it is not locked out."""
    if not countable(username):
        return None
    window_start = timezone.now() - settings.LOGIN_LOCKOUT_WINDOW
    locked = Q()
    for counter_address, limit in counters(address):
        locked |= Q(client_address=counter_address, failures__gte=limit)
    last_failure_at = (
        FailedLogins.objects.filter(
            locked,
            username_digest=username_digest(username),
            last_failure_at__gt=window_start,
        )
        .order_by("-last_failure_at")
        .values_list("last_failure_at", flat=True)
        .first()
    )
    if last_failure_at is None:
        return None
    return last_failure_at + settings.LOGIN_LOCKOUT_WINDOW


def failures(username, address):
    """The failures counted for ``username`` from ``address`` in the current window."""
    window_start = timezone.now() - settings.LOGIN_LOCKOUT_WINDOW
    return (
        counter(username, address)
        .filter(last_failure_at__gt=window_start)
        .values_list("failures", flat=True)
        .first()
        or 0
    )
