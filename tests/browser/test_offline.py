"""The browser the tests drive reaches this machine and nothing else."""

import pytest
from playwright.sync_api import Error, expect

ELSEWHERE = [
    "http://example.com/",
    "https://fonts.googleapis.com/css",
    "http://10.0.0.1/",
]

# What Chromium shows when a page cannot be loaded.
ERROR_PAGE = "chrome-error://chromewebdata/"


def test_only_this_machine_is_reachable(page, base_url):
    assert page.goto("/accounts/login/").status == 200
    assert page.url == f"{base_url}/accounts/login/"
    for url in ELSEWHERE:
        with pytest.raises(Error, match="ERR_PROXY_CONNECTION_FAILED"):
            page.goto(url, timeout=5_000)
        # goto() fails before Chromium has switched to its error page. Closing a
        # page during that switch can hang Chromium, so wait until it is done.
        expect(page).to_have_url(ERROR_PAGE)
        page.wait_for_load_state()
