"""The lockout against parallel guessing, on a real threaded server.

Each test sends its attempts all at once, from threads, to runserver (one
thread per request), with Django's real password hasher; the server logs every
password it hashes, so the test counts how many were really checked
(tests/counting_hasher.py). The limits are the settings' own: 5 wrong passwords
per user name and client address, 20 per user name from all addresses.
"""

import threading
import time

from tests.live_server import PASSWORD, Visitor

HASHED = r"^\[tests\.counting_hasher\] password hashed$"

LIMIT = 5  # LOGIN_LOCKOUT_LIMIT
NAME_LIMIT = 20  # LOGIN_LOCKOUT_NAME_LIMIT
LOCKED_MESSAGE = "Too many failed logins for this user name."


def all_at_once(attempts):
    """Run the (visitor, username, password) attempts together.

    Every visitor first opens the login form and a connection; then all
    submit the form at the same moment, each from its own thread. Returns
    (status, page, answered_at) for each, answered_at from time.monotonic().
    """
    tokens = [visitor.login_form() for visitor, _, _ in attempts]
    connections = [visitor.connect() for visitor, _, _ in attempts]
    start = threading.Barrier(len(attempts))
    results = [None] * len(attempts)

    def attempt(index):
        visitor, username, password = attempts[index]
        start.wait(timeout=60)
        status, page = visitor.log_in(
            username, password, tokens[index], connections[index]
        )
        results[index] = (status, page, time.monotonic())

    threads = [
        threading.Thread(target=attempt, args=(i,)) for i in range(len(attempts))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return results


def statuses(results):
    return [status for status, _, _ in results]


def test_parallel_wrong_passwords_from_one_address_check_only_the_limit(real_server):
    real_server.create_users("carol")
    mark = real_server.log.mark()

    results = all_at_once([(Visitor(real_server), "carol", "wrong") for _ in range(25)])

    assert statuses(results) == [200] * 25
    assert real_server.hashed_since(mark) == LIMIT
    assert sum(LOCKED_MESSAGE in page for _, page, _ in results) == 25 - LIMIT


def test_parallel_wrong_passwords_from_many_addresses_check_only_the_name_limit(
    real_server,
):
    real_server.create_users("dave")
    mark = real_server.log.mark()
    visitors = [Visitor(real_server, f"127.0.1.{n}") for n in range(1, 26)]

    results = all_at_once([(visitor, "dave", "wrong") for visitor in visitors])

    assert statuses(results) == [200] * 25
    assert real_server.hashed_since(mark) == NAME_LIMIT


def test_right_password_sent_while_wrong_ones_are_checked_is_refused(real_server):
    real_server.create_users("erin")
    attacker = "127.0.2.1"
    late = Visitor(real_server, attacker)
    token = late.login_form()
    mark = real_server.log.mark()
    right = {}

    def right_password_once_the_checks_have_started():
        # When the server has started to check five of the wrong ones.
        real_server.log.wait_for(HASHED, since=mark, count=LIMIT, timeout=120)
        status, page = late.log_in("erin", PASSWORD, token)
        right.update(status=status, page=page, answered_at=time.monotonic())

    thread = threading.Thread(target=right_password_once_the_checks_have_started)
    thread.start()
    wrong = all_at_once(
        [(Visitor(real_server, attacker), "erin", f"guess-{n}") for n in range(15)]
    )
    thread.join(timeout=180)

    assert statuses(wrong) == [200] * 15
    assert right["status"] == 200 and LOCKED_MESSAGE in right["page"]  # refused
    # ... while wrong passwords were still being checked.
    assert right["answered_at"] < max(answered_at for _, _, answered_at in wrong)
    assert real_server.hashed_since(mark) == LIMIT


def test_the_user_logs_in_from_another_address_during_the_attack(real_server):
    real_server.create_users("frank")
    attacker, user = "127.0.3.1", Visitor(real_server, "127.0.3.2")

    results = all_at_once(
        [(Visitor(real_server, attacker), "frank", f"guess-{n}") for n in range(15)]
        + [(user, "frank", PASSWORD)]
    )

    assert statuses(results[:15]) == [200] * 15
    assert results[-1][0] == 302  # logged in
