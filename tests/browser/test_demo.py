"""The demo in a real browser: what the learner sees, and what the terminal prints."""

import re
import uuid

from playwright.sync_api import expect

from .machinery import DEMO_PASSWORD
from .steps import DEMO_POST_URL, WRONG_PASSWORD, log_in, log_out, post_comment


def login_records(demo_server):
    return demo_server.query("SELECT COUNT(*) FROM bar_loginrecord")[0][0]


def test_login_shows_the_user_and_the_terminal_shows_both_signals(
    page, demo_server, server_log, browser_errors
):
    records_before = login_records(demo_server)
    since = server_log.mark()

    response = log_in(page)

    assert response.status == 302
    expect(page).to_have_url(f"{demo_server.url}/")
    expect(page.locator("header")).to_contain_text("Logged in as alice")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    bar_line = server_log.wait_for(r"^\[bar\.signals\] user_login ", since)
    assert re.fullmatch(
        r"\[bar\.signals\] user_login sender=LoginView user='alice' "
        r"remote_addr='127\.0\.0\.1' record_id=\d+",
        bar_line,
    )
    lines = server_log.signal_lines(since)
    logged_in = (
        "[blog.signals] user_logged_in sender=User user='alice' path='/accounts/login/'"
    )
    # Django's user_logged_in goes out inside form_valid(), before foo's user_login.
    assert lines.index(logged_in) < lines.index(bar_line)
    assert not [line for line in lines if "user_login_failed" in line]
    assert login_records(demo_server) == records_before + 1
    assert browser_errors == []


def test_wrong_password_shows_the_error_and_sends_only_user_login_failed(
    page, demo_server, server_log, browser_errors
):
    records_before = login_records(demo_server)
    since = server_log.mark()

    response = log_in(page, password=WRONG_PASSWORD)

    assert response.status == 200
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("alert")).to_contain_text(
        "Please enter a correct username and password"
    )
    expect(page.locator("header")).not_to_contain_text("Logged in as")
    # The form keeps the user name but never echoes the password back.
    expect(page.get_by_label("Username")).to_have_value("alice")
    expect(page.get_by_label("Password")).to_have_value("")

    failed = server_log.wait_for(r"^\[blog\.signals\] user_login_failed ", since)
    assert failed == (
        "[blog.signals] user_login_failed sender='django.contrib.auth' "
        "credentials={'password': '********************', 'username': 'alice'} "
        "path='/accounts/login/'"
    )
    lines = server_log.signal_lines(since)
    assert not [line for line in lines if line.startswith("[bar.signals] user_login ")]
    assert not [line for line in lines if "user_logged_in" in line]
    assert WRONG_PASSWORD not in "\n".join(server_log.lines(since))
    assert login_records(demo_server) == records_before
    assert browser_errors == []


def test_log_out_button_posts_and_sends_user_logged_out(
    page, server_log, browser_errors
):
    log_in(page)
    since = server_log.mark()

    request = log_out(page)

    assert request.method == "POST"
    expect(page.locator("header").get_by_role("link", name="Log in")).to_be_visible()
    expect(page.locator("header")).not_to_contain_text("Logged in as")
    assert "sessionid" not in {cookie["name"] for cookie in page.context.cookies()}
    assert server_log.wait_for(r"^\[blog\.signals\] user_logged_out ", since) == (
        "[blog.signals] user_logged_out sender=User user='alice' path='/accounts/logout/'"
    )
    assert browser_errors == []


def comment_rows(demo_server, body):
    return demo_server.query(
        "SELECT id, is_public FROM blog_comment WHERE body = ?", (body,)
    )


def test_clean_comment_is_published(
    alice_page, demo_server, server_log, browser_errors
):
    body = f"Thanks, very clear ({uuid.uuid4().hex[:6]})"
    page = alice_page
    since = server_log.mark()

    post_comment(page, body)

    expect(page).to_have_url(f"{demo_server.url}{DEMO_POST_URL}")
    expect(page.locator(".messages li.success")).to_have_text(
        "Your comment is published."
    )
    expect(page.locator(".comment").filter(has_text=body)).to_have_count(1)
    ((pk, is_public),) = comment_rows(demo_server, body)
    assert is_public == 1
    server_log.wait_for(
        rf"^\[blog\.signals\] post_save Comment\(pk={pk}\) created=True ", since
    )
    assert "[blog.signals] pre_save Comment is_public=True" in server_log.signal_lines(
        since
    )
    assert browser_errors == []


def test_spammy_comment_is_held_back_with_a_message(
    alice_page, demo_server, server_log, browser_errors
):
    body = f"Win big at our casino ({uuid.uuid4().hex[:6]})"
    page = alice_page
    since = server_log.mark()

    post_comment(page, body)

    expect(page.locator(".messages li.warning")).to_have_text(
        "Your comment was saved but held back for review: it looks like spam."
    )
    expect(page.get_by_text(body)).to_have_count(0)
    ((pk, is_public),) = comment_rows(demo_server, body)
    assert is_public == 0  # stored, but not shown
    server_log.wait_for(
        rf"^\[blog\.signals\] post_save Comment\(pk={pk}\) created=True ", since
    )
    assert (
        "[blog.signals] pre_save Comment is_public=False (held back: contains 'casino')"
        in server_log.signal_lines(since)
    )
    assert browser_errors == []


def test_the_terminal_never_shows_a_secret(page, demo_server, server_log):
    log_in(page, password=WRONG_PASSWORD)
    log_in(page)
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    page.goto(DEMO_POST_URL)
    form_token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    post_comment(page, "One more comment")
    log_out(page)

    ((password_hash,),) = demo_server.query(
        "SELECT password FROM auth_user WHERE username = 'alice'"
    )
    secrets = {
        "password": DEMO_PASSWORD,
        "wrong password": WRONG_PASSWORD,
        "password hash": password_hash,
        "session key": cookies["sessionid"],
        "CSRF cookie": cookies["csrftoken"],
        "CSRF form token": form_token,
    }
    terminal = "\n".join(server_log.lines())
    assert "[bar.signals] user_login " in terminal  # the check below reads real output
    for name, secret in secrets.items():
        assert len(secret) >= 16, name
        assert secret not in terminal, f"the {name} appears in the server's output"
