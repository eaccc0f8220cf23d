"""lockout: every attempt counted before its password is checked, refused after the limits."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.signals import user_login_failed
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone
from django.utils.crypto import salted_hmac

from foo.signals import user_login
from lockout.counting import client_address, username_digest
from lockout.models import ALL_ADDRESSES, FailedLogins
from tests.conftest import PASSWORD
from tests.signal_capture import capture_signal

LOGIN_URL = "/accounts/login/"
LIMIT = 5
NAME_LIMIT = 20
WINDOW = timedelta(minutes=15)
LOCKED_MESSAGE = "Too many failed logins for this user name."
HOME = "127.0.0.1"  # the test client's REMOTE_ADDR


@pytest.fixture(autouse=True)
def lockout_settings(settings):
    # The tests spell out the numbers they rely on, whatever settings.py says.
    settings.LOGIN_LOCKOUT_LIMIT = LIMIT
    settings.LOGIN_LOCKOUT_NAME_LIMIT = NAME_LIMIT
    settings.LOGIN_LOCKOUT_WINDOW = WINDOW


@pytest.fixture
def clock(monkeypatch):
    """Stops time: timezone.now() returns clock.now until clock.advance() moves it."""

    class Clock:
        now = timezone.now()

        def advance(self, **kwargs):
            self.now += timedelta(**kwargs)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def checked_passwords(monkeypatch):
    """The passwords checked against an account, in order."""
    checked = []
    check_password = AbstractBaseUser.check_password

    def counting_check_password(user, raw_password):
        checked.append(raw_password)
        return check_password(user, raw_password)

    monkeypatch.setattr(AbstractBaseUser, "check_password", counting_check_password)
    return checked


def fail(client, username="alice", times=1, address=HOME):
    for _ in range(times):
        response = client.post(
            LOGIN_URL, {"username": username, "password": "wrong"}, REMOTE_ADDR=address
        )
        assert response.status_code == 200


def log_in(client, username="alice", address=HOME):
    return client.post(
        LOGIN_URL, {"username": username, "password": PASSWORD}, REMOTE_ADDR=address
    )


@pytest.fixture
def hashed_passwords(monkeypatch):
    """The passwords hashed (checked against an account, or for the dummy hash
    ModelBackend runs for a name no account has), in order."""
    hashed = []
    encode = MD5PasswordHasher.encode  # the tests' hasher (tests/conftest.py)

    def counting_encode(hasher, password, salt):
        hashed.append(password)
        return encode(hasher, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting_encode)
    return hashed


def failures(username="alice", address=HOME):
    return FailedLogins.objects.get(
        username_digest=username_digest(username), client_address=address
    ).failures


@pytest.mark.django_db
def test_one_below_the_limit_the_right_password_still_works(client, alice):
    fail(client, times=LIMIT - 1)
    assert failures() == LIMIT - 1

    response = log_in(client)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


@pytest.mark.django_db
def test_at_the_limit_even_the_right_password_is_refused_unchecked(
    client, alice, checked_passwords
):
    fail(client, times=LIMIT)
    assert checked_passwords == ["wrong"] * LIMIT

    with (
        capture_signal(user_login) as logins,
        capture_signal(user_login_failed) as failed,
    ):
        response = log_in(client)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert checked_passwords == ["wrong"] * LIMIT  # the right one was not checked
    assert logins == []
    assert len(failed) == 1  # a refused attempt is a failed login too
    assert LOCKED_MESSAGE in response.text
    assert "try again in 15 minutes" in response.text
    # Refused attempts are not counted: they cannot stretch the lockout.
    assert failures() == LIMIT


@pytest.mark.django_db
def test_below_the_limit_there_is_no_lockout_message(client, alice):
    fail(client, times=LIMIT - 1)
    response = client.post(LOGIN_URL, {"username": "alice", "password": "wrong"})
    assert LOCKED_MESSAGE not in response.text


@pytest.mark.django_db
def test_lockout_is_per_user_name(client, alice, bob):
    fail(client, "alice", times=LIMIT)
    assert log_in(Client(), "bob").status_code == 302


@pytest.mark.django_db
def test_a_lockout_from_one_address_leaves_the_user_free_from_another(client, alice):
    # Anyone who knows a user name can fail five times with it: that must not
    # lock its owner out everywhere.
    fail(client, times=LIMIT, address="203.0.113.7")
    assert log_in(Client(), address="203.0.113.7").status_code == 200  # refused

    assert log_in(Client(), address="198.51.100.20").status_code == 302


@pytest.mark.django_db
def test_after_the_name_limit_the_name_is_refused_from_every_address(
    client, alice, checked_passwords
):
    addresses = [f"203.0.113.{n}" for n in range(NAME_LIMIT // LIMIT)]
    for address in addresses:
        fail(client, times=LIMIT, address=address)
    assert failures(address=ALL_ADDRESSES) == NAME_LIMIT

    response = log_in(Client(), address="198.51.100.20")

    assert response.status_code == 200
    assert LOCKED_MESSAGE in response.text
    assert len(checked_passwords) == NAME_LIMIT
    # The refused attempt kept no place in its address's counter either.
    assert failures(address="198.51.100.20") == 0


@pytest.mark.django_db
def test_a_right_password_clears_the_count_of_its_address(client, alice):
    fail(client, times=LIMIT - 1)
    assert log_in(client).status_code == 302

    fail(Client(), times=LIMIT - 1)

    assert failures() == LIMIT - 1
    assert log_in(Client()).status_code == 302


@pytest.mark.django_db
def test_a_right_password_keeps_the_failures_from_other_addresses(client, alice):
    fail(client, times=LIMIT, address="203.0.113.1")
    fail(client, times=LIMIT - 1, address="203.0.113.2")

    assert log_in(Client(), address="198.51.100.20").status_code == 302

    # Its own attempt is given back; the others' failures stay.
    assert failures(address=ALL_ADDRESSES) == 2 * LIMIT - 1
    assert failures(address="203.0.113.1") == LIMIT
    assert log_in(Client(), address="203.0.113.1").status_code == 200  # still refused


@pytest.mark.django_db
def test_unknown_user_name_is_counted_and_locked_like_a_real_one(client, alice):
    # Otherwise the lockout message would reveal which names have accounts.
    fail(client, "nobody", times=LIMIT)
    response = client.post(LOGIN_URL, {"username": "nobody", "password": "wrong"})
    assert failures("nobody") == LIMIT
    assert LOCKED_MESSAGE in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["", "   "], ids=["empty", "blank"])
def test_empty_user_name_locks_nobody_out(client, alice, username):
    for _ in range(LIMIT * 2):
        response = client.post(LOGIN_URL, {"username": username, "password": "x"})
        assert response.status_code == 200
        authenticate(username=username, password="x")  # straight to the backend

    assert not FailedLogins.objects.exists()
    assert log_in(client).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username", ["x" * 151, "alice\x00"], ids=["longer-than-any-account", "nul"]
)
def test_a_name_no_account_can_have_is_refused_unchecked_and_uncounted(
    alice, hashed_passwords, username
):
    # The login form refuses such a name itself; another caller of
    # authenticate() must not make the server hash passwords for it.
    with capture_signal(user_login_failed) as failed:
        assert authenticate(username=username, password=PASSWORD) is None

    assert hashed_passwords == []
    assert len(failed) == 1  # the same failure as a wrong password
    assert not FailedLogins.objects.exists()


@pytest.mark.django_db
def test_a_name_of_the_longest_length_an_account_can_have_is_checked_and_counted(
    alice, hashed_passwords
):
    longest = "x" * 150  # the user model's max_length

    assert authenticate(username=longest, password="wrong") is None

    assert hashed_passwords == ["wrong"]  # ModelBackend's dummy hash
    assert failures(longest, address="unknown") == 1


@pytest.mark.django_db
def test_lockout_ends_when_the_window_has_passed(client, alice, clock):
    fail(client, times=LIMIT)

    clock.advance(seconds=WINDOW.total_seconds() - 1)
    response = log_in(client)
    assert response.status_code == 200
    assert "try again in 1 minute." in response.text

    clock.advance(seconds=1)
    assert log_in(client).status_code == 302


@pytest.mark.django_db
def test_a_failure_after_a_quiet_window_starts_a_new_count(client, alice, clock):
    fail(client, times=LIMIT - 1)
    clock.advance(seconds=WINDOW.total_seconds() + 1)

    fail(client)

    assert failures() == 1
    assert failures(address=ALL_ADDRESSES) == 1
    assert log_in(client).status_code == 302


@pytest.mark.django_db
def test_failures_inside_the_window_keep_adding_up(client, alice, clock):
    for _ in range(LIMIT):
        fail(client)
        clock.advance(minutes=14)  # each failure within the window of the last

    assert failures() == LIMIT
    assert log_in(client).status_code == 200


@pytest.mark.django_db
def test_admin_login_is_locked_out_too(client, alice):
    alice.is_staff = True
    alice.save()
    fail(client, times=LIMIT)

    response = client.post(
        "/admin/login/", {"username": "alice", "password": PASSWORD}, follow=True
    )

    assert "_auth_user_id" not in client.session
    assert LOCKED_MESSAGE in response.text


@pytest.mark.django_db
def test_authenticate_without_a_request_is_counted_too(alice):
    for _ in range(LIMIT):
        assert authenticate(username="alice", password="wrong") is None

    assert failures(address="unknown") == LIMIT
    assert authenticate(username="alice", password=PASSWORD) is None  # refused


@pytest.mark.parametrize(
    ("remote_addr", "address"),
    [
        ("192.0.2.1", "192.0.2.1"),
        # One IPv6 machine picks its addresses from a whole /64.
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("", "unknown"),
        ("not an address", "unknown"),
    ],
)
def test_client_address(remote_addr, address):
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr)
    assert client_address(request) == address


def test_client_address_without_a_request():
    assert client_address(None) == "unknown"


@pytest.mark.django_db
def test_receiver_logs_one_line_per_failed_login(client, alice, signal_log):
    fail(client, times=LIMIT + 1)

    lines = [line for line in signal_log() if line.startswith("[lockout.")]
    assert lines == [
        *[
            f"[lockout.signals] user_login_failed user='alice' client=127.0.0.1 "
            f"failures={n}/{LIMIT} locked_out=False"
            for n in range(1, LIMIT)
        ],
        f"[lockout.signals] user_login_failed user='alice' client=127.0.0.1 "
        f"failures={LIMIT}/{LIMIT} locked_out=True",
        # Refused, not checked, not counted.
        f"[lockout.signals] user_login_failed user='alice' client=127.0.0.1 "
        f"failures={LIMIT}/{LIMIT} locked_out=True",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("atomic_requests", [False, True])
def test_an_attempt_that_cannot_be_counted_is_refused_unchecked_not_a_500(
    client, alice, caplog, monkeypatch, checked_passwords, atomic_requests
):
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", atomic_requests)
    fail(client)  # alice's counter rows exist from now on
    with connection.cursor() as cursor:  # a real database error on the next count
        cursor.execute(
            "CREATE TRIGGER refuse_counting BEFORE UPDATE ON lockout_failedlogins "
            "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
        )
    caplog.clear()

    response = log_in(client)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert checked_passwords == ["wrong"]  # the right password was not checked
    assert "Logging in is not possible right now." in response.text
    (record,) = [r for r in caplog.records if r.name == "lockout.backends"]
    assert record.levelname == "ERROR"
    assert "disk I/O error" in caplog.text and "Traceback" in caplog.text

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse_counting")
    assert log_in(client).status_code == 302  # and once it is fixed, logins work


# Real threads, real commits: each thread has its own database connection, as
# each request of a threaded server has.


def parallel_bad_logins(count, username="alice"):
    """Send ``count`` wrong-password logins at once; return their status codes."""
    start = threading.Barrier(count)
    statuses = []

    def attempt():
        try:
            client = Client()
            start.wait(timeout=30)
            response = client.post(
                LOGIN_URL, {"username": username, "password": "wrong"}
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


@pytest.mark.django_db(transaction=True)
def test_parallel_failures_are_all_counted(alice, settings):
    # Far away: every attempt must count.
    settings.LOGIN_LOCKOUT_LIMIT = settings.LOGIN_LOCKOUT_NAME_LIMIT = 1000
    k = 16

    statuses = parallel_bad_logins(k)

    assert statuses == [200] * k
    assert failures() == failures(address=ALL_ADDRESSES) == k


@pytest.mark.django_db(transaction=True)
def test_parallel_failures_check_exactly_the_limit(alice, checked_passwords):
    statuses = parallel_bad_logins(3 * LIMIT)

    assert statuses == [200] * (3 * LIMIT)
    assert len(checked_passwords) == LIMIT
    assert failures() == LIMIT
    assert log_in(Client()).status_code == 200  # locked out


TYPED = "S3cret-typed-as-user-name"  # a password typed into the wrong box


@pytest.mark.django_db
def test_counters_store_a_keyed_digest_of_the_name_never_the_name(client, alice):
    fail(client, TYPED)

    rows = FailedLogins.objects.values_list()
    assert len(rows) == 2  # this address's counter and all addresses'
    assert not any(TYPED in str(value) for row in rows for value in row)
    digest = salted_hmac("lockout.FailedLogins", TYPED, algorithm="sha256")
    assert {row.username_digest for row in FailedLogins.objects.all()} == {
        digest.hexdigest()
    }
    assert failures(TYPED) == 1


def test_the_digest_is_keyed_with_the_secret_key(settings):
    digest = username_digest(TYPED)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert username_digest(TYPED) != digest


@pytest.fixture
def admin_client_of_alice(client, alice):
    alice.is_staff = alice.is_superuser = True
    alice.save()
    client.force_login(alice)
    return client


@pytest.mark.django_db
def test_admin_lists_failed_logins_read_only_without_the_names(admin_client_of_alice):
    client = admin_client_of_alice
    fail(Client(), TYPED, address="203.0.113.9")

    listing = client.get("/admin/lockout/failedlogins/")

    assert listing.status_code == 200
    assert TYPED not in listing.text
    assert username_digest(TYPED)[:12] in listing.text  # a short form of it
    assert "203.0.113.9" in listing.text and "(all addresses)" in listing.text
    row = FailedLogins.objects.get(client_address="203.0.113.9")
    change_page = client.get(f"/admin/lockout/failedlogins/{row.pk}/change/")
    assert change_page.status_code == 200 and TYPED not in change_page.text
    assert client.get("/admin/lockout/failedlogins/add/").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("nobody", 3),  # its counters of two addresses and of all
        # As the login form cleans it: spaces around, full-width letters.
        ("  \uff4e\uff4fbody ", 3),
        ("someone", 0),
        ("203.0.113", 2),  # by client address: nobody's and alice's
        ("", 5),
    ],
)
def test_admin_finds_the_counters_of_a_user_name(admin_client_of_alice, search, found):
    client = admin_client_of_alice
    fail(Client(), "nobody", address="198.51.100.1")
    fail(Client(), "alice", address="203.0.113.1")
    fail(Client(), "nobody", address="203.0.113.2")

    listing = client.get("/admin/lockout/failedlogins/", {"q": search})

    assert listing.status_code == 200
    assert listing.context["cl"].result_count == found
