"""The debug toolbar in a real browser: what it shows about a login's signals.

These tests skip while the running server has no debug toolbar (``debug_toolbar``
not in its INSTALLED_APPS), and those about the "signals sent" panel while the
module ``signal_watch.panels`` does not exist. Selectors follow the markup of
django-debug-toolbar 8: ``#djDebug``, a button ``#djdt-<PanelId>`` per panel and
its content in ``#<PanelId>``. Playwright's CSS selectors reach into the
toolbar's (open) shadow DOM.
"""

import re

import pytest
from playwright.sync_api import expect

from .steps import (
    SIGNALS_PANEL,
    WRONG_PASSWORD,
    log_in,
    open_panel,
    show_toolbar,
    switch_toolbar_to,
)


@pytest.fixture
def toolbar(demo_server):
    if "debug_toolbar" not in demo_server.describe()["installed_apps"]:
        pytest.skip("debug_toolbar is not in the server's INSTALLED_APPS")
    return demo_server.describe()


@pytest.fixture
def sent_panel_id(toolbar):
    """The panel id (its class name) of the "signals sent" panel."""
    if not toolbar["signal_watch_panels"]:
        pytest.skip('no "signals sent" panel yet (module signal_watch.panels)')
    panels = [p for p in toolbar["toolbar_panels"] if p.startswith("signal_watch.")]
    assert panels, "signal_watch.panels exists but DEBUG_TOOLBAR_PANELS lacks it"
    return panels[0].rsplit(".", 1)[-1]


def receivers_by_signal(panel):
    rows = panel.locator("tbody tr")
    table = {}
    for index in range(rows.count()):
        cells = rows.nth(index).locator("td").all_inner_texts()
        table[cells[0].strip()] = cells[1]
    return table


def first_line_of(lines, signal_name):
    """Index of the first line that names the signal (as a word), or None."""
    word = re.compile(rf"(?<![\w.]){re.escape(signal_name)}(?!\w)|\.{signal_name}\b")
    return next((i for i, line in enumerate(lines) if word.search(line)), None)


def panel_lines(panel):
    return [
        line.strip()
        for line in panel.locator(".djdt-scroll").inner_text().splitlines()
        if line.strip()
    ]


def test_toolbar_appears_after_login_and_lists_user_login_and_its_receiver(
    page, toolbar, browser_errors
):
    log_in(page)
    show_toolbar(page)
    expect(page.locator(f"#djdt-{SIGNALS_PANEL}")).to_be_visible()
    table = receivers_by_signal(open_panel(page, SIGNALS_PANEL))

    assert "record_login" in table.get("user_login", "")
    assert "report_logged_in" in table.get("user_logged_in", "")
    assert "report_login_failed" in table.get("user_login_failed", "")
    # The task signals (EXTRA_SIGNALS), from django.tasks or the 5.2 backport.
    assert "report_failed_task" in table.get("task_finished", "")
    assert {"task_enqueued", "task_started"} <= set(table)
    assert browser_errors == []


def test_signals_sent_panel_lists_the_logins_signals_in_order(page, sent_panel_id):
    log_in(page)
    # The login is a POST answered by a redirect; the toolbar on the page it
    # leads to is about that GET. The History panel switches back to the POST.
    switch_toolbar_to(page, "POST", "/accounts/login/", 302)

    lines = panel_lines(open_panel(page, sent_panel_id))

    logged_in = first_line_of(lines, "user_logged_in")
    user_login = first_line_of(lines, "user_login")
    assert logged_in is not None, lines
    assert user_login is not None, lines
    # foo's view sends user_login once Django has logged the user in.
    assert logged_in < user_login, lines
    assert first_line_of(lines, "user_login_failed") is None, lines


def test_wrong_password_toolbar_shows_user_login_failed(page, sent_panel_id):
    log_in(page, password=WRONG_PASSWORD)
    expect(page.get_by_role("alert")).to_be_visible()

    # The failed login's page is the POST's own response: no history needed.
    lines = panel_lines(open_panel(page, sent_panel_id))

    assert first_line_of(lines, "user_login_failed") is not None, lines
    assert first_line_of(lines, "user_login") is None, lines
    assert first_line_of(lines, "user_logged_in") is None, lines


def test_the_open_toolbar_leaves_the_log_out_button_free_at_1280_pixels(
    page, toolbar, server_log
):
    page.set_viewport_size({"width": 1280, "height": 800})
    # A login of its own: logging out ends the session that alice_page shares.
    log_in(page)
    show_toolbar(page)
    toolbar_box = page.locator("#djDebugToolbar").bounding_box()
    log_out_button = page.get_by_role("button", name="Log out")
    button_box = log_out_button.bounding_box()
    assert button_box["x"] + button_box["width"] <= toolbar_box["x"], (
        button_box,
        toolbar_box,
    )

    # Pressed with the toolbar open: Playwright clicks only what is not covered.
    since = server_log.mark()
    log_out_button.click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.locator("#djDebugToolbar")).to_be_visible()
    server_log.wait_for(r"^\[blog\.signals\] user_logged_out ", since)
