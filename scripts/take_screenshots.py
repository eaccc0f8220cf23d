"""Replay the demo in Chromium and save what the tutorial shows of it (`make screenshots`).

Writes PNG screenshots to docs/images/. It runs the same steps as the browser
tests (tests/browser/steps.py) on a fresh database. What the terminal prints is
not pictured: the chapters show it as text from docs/outputs/ (`make outputs`).

Shots of the debug toolbar are taken only when the server has the toolbar (and,
for the "signals sent" timeline, the signal_watch panel); the others always.
"""

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
VIEWPORT = {"width": 1000, "height": 1000}  # tall enough for the Signals panel


@dataclass(frozen=True)
class Shot:
    name: str
    shows: str
    needs: str = ""  # "" (nothing), "toolbar" or "signal_watch"


SHOTS = [
    Shot("login-page.png", "the login page, before logging in"),
    Shot("login-failed.png", "the login page after a wrong password"),
    Shot("comment-published.png", "a post after a clean comment"),
    Shot("comment-held-back.png", "a post after a comment with 'casino'"),
    Shot("toolbar-signals-panel.png", "the toolbar's Signals panel", "toolbar"),
    Shot("toolbar-signals-sent.png", "the signals sent by a login", "signal_watch"),
]


def main():
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.browser.machinery import (
        CHROMIUM,
        LiveServer,
        chromium_launch_options,
    )

    if not CHROMIUM.exists():
        sys.exit(f"Chromium is missing at {CHROMIUM}: apt-get install chromium")
    IMAGES.mkdir(parents=True, exist_ok=True)

    with LiveServer() as server, sync_playwright() as playwright:
        described = server.describe()
        has = {
            "": True,
            "toolbar": "debug_toolbar" in described["installed_apps"],
            "signal_watch": bool(described["signal_watch_panels"]),
        }
        # Nothing but this machine: chromium_launch_options() refuses the rest.
        browser = playwright.chromium.launch(**chromium_launch_options())
        context = browser.new_context(base_url=server.url, viewport=VIEWPORT)
        context.set_default_timeout(15_000)
        page = context.new_page()
        taken = replay(page, server, has)
        browser.close()

    for shot in SHOTS:
        if shot.name in taken:
            size = (IMAGES / shot.name).stat().st_size
            print(f"docs/images/{shot.name}: {shot.shows} ({size // 1024} KB)")
        else:
            print(f"docs/images/{shot.name}: skipped, the server has no {shot.needs}")


def replay(page, server, has):
    from tests.browser.steps import (
        DEMO_POST_URL,
        SIGNALS_PANEL,
        WRONG_PASSWORD,
        hide_toolbar,
        log_in,
        open_panel,
        submit_comment,
        switch_toolbar_to,
    )

    taken = set()

    def shoot(name, target=None):
        (target or page).screenshot(path=IMAGES / name, animations="disabled")
        taken.add(name)

    page.goto("/accounts/login/")
    if has["toolbar"]:
        hide_toolbar(page)
        page.reload()
    shoot("login-page.png")

    since = server.log.mark()
    log_in(page, password=WRONG_PASSWORD)
    server.log.wait_for(r"^\[blog\.signals\] user_login_failed ", since)
    shoot("login-failed.png")

    since = server.log.mark()
    log_in(page)
    server.log.wait_for(r"^\[blog\.signals\] post_init during this request", since)
    if has["toolbar"]:
        shoot("toolbar-signals-panel.png", open_panel(page, SIGNALS_PANEL))
        page.reload()
    if has["signal_watch"]:
        switch_toolbar_to(page, "POST", "/accounts/login/", 302)
        sent_panel = next(
            p
            for p in server.describe()["toolbar_panels"]
            if p.startswith("signal_watch.")
        )
        shoot("toolbar-signals-sent.png", open_panel(page, sent_panel.rsplit(".")[-1]))
        page.reload()
    if has["toolbar"]:
        hide_toolbar(page)

    for name, body, is_public in [
        ("comment-published", "Thanks, this made signals click for me.", True),
        ("comment-held-back", "Win big at our casino tonight!", False),
    ]:
        page.goto(DEMO_POST_URL)
        since = server.log.mark()
        submit_comment(page, body)
        # The POST and the page it redirects to each end with their init counts.
        server.log.wait_for(r"^\[blog\.signals\] post_init during", since, count=2)
        page.locator(".messages").scroll_into_view_if_needed()
        shoot(f"{name}.png")
        assert f"[blog.signals] pre_save Comment is_public={is_public}" in "\n".join(
            server.log.signal_lines(since)
        )
    return taken


if __name__ == "__main__":
    main()
