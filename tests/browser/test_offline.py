"""The browser the tests drive reaches this machine and nothing else."""

import pytest
from playwright.sync_api import Error


@pytest.mark.parametrize(
    "url",
    ["http://example.com/", "https://fonts.googleapis.com/css", "http://10.0.0.1/"],
)
def test_another_machine_is_refused_at_once(page, url):
    with pytest.raises(Error, match="ERR_PROXY_CONNECTION_FAILED"):
        page.goto(url, timeout=5_000)


def test_this_machine_is_reached(page, base_url):
    assert page.goto("/accounts/login/").status == 200
    assert page.url == f"{base_url}/accounts/login/"
