"""Fixtures for the end-to-end tests: Debian's Chromium, driven by pytest-playwright,
against the real server started once for the whole run.

Run only these with ``make test-browser`` (``pytest -m browser``); add
``--headed`` to watch (on a machine with a display). Environment variables:

- ``CHROMIUM_PATH``: another Chromium binary than /usr/bin/chromium.
- ``E2E_PORT``: the server's port (default: a free one on 127.0.0.1).
- ``E2E_MKDOCS_CONFIG``, ``E2E_DJANGO_SETTINGS_MODULE``: run the same tests
  against another tutorial configuration or other settings, e.g. to try the
  feature and toolbar tests before those features are merged.
"""

import os

import pytest
from playwright.sync_api import expect

from .machinery import (
    CHROMIUM,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    LiveServer,
    chromium_launch_options,
    is_loopback_url,
)
from .steps import hide_toolbar

BROWSER_DIR = os.path.dirname(__file__)


# tests/test_browser_machinery.py writes throwaway test files named like this
# here, to check the CI rules. Only the run that names one in BROWSER_TEST_PROBE
# collects it, never a browser run going on beside it (make test runs two).
PROBE_PREFIX = "test_probe_"


def pytest_ignore_collect(collection_path, config):
    if collection_path.name.startswith(PROBE_PREFIX):
        return collection_path.name != os.environ.get("BROWSER_TEST_PROBE")
    return None


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: end-to-end test in Chromium against the real server"
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # Playwright's session-wide event loop stays up until the run ends, and while it
    # runs Django refuses ORM calls in this thread. Running the browser tests last
    # keeps every other test, and pytest-django's database teardown, out of its way.
    browser, others = [], []
    for item in items:
        if str(item.path).startswith(BROWSER_DIR + os.sep):
            item.add_marker(pytest.mark.browser)
            browser.append(item)
        else:
            others.append(item)
    items[:] = others + browser


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # A hook rather than a fixture: a skip raised here is reported at this line
    # for every test, so pytest folds them into one summary line.
    if "browser" not in item.keywords or CHROMIUM.exists():
        return
    message = (
        f"browser tests need Chromium at {CHROMIUM} "
        "(Debian: apt-get install chromium; .ci/run does it)"
    )
    if running_in_ci():
        pytest.fail(f"{message}: CI=true, so a skip would hide them", pytrace=False)
    pytest.skip(message)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Under CI every browser test must run: a skip there (a feature switched off in
    # mkdocs.yml, the toolbar missing from the server) hides a regression.
    outcome = yield
    report = outcome.get_result()
    if report.skipped and "browser" in item.keywords and running_in_ci():
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else ""
        report.outcome = "failed"
        report.longrepr = (
            f"skipped under CI=true, which must run every browser test: {reason}"
        )


def running_in_ci():
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def demo_server():
    # Not called live_server: pytest-django gives that name a meaning of its own.
    server = LiveServer()
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, **chromium_launch_options()}


@pytest.fixture(scope="session")
def base_url(demo_server):
    # Replaces pytest-playwright's own base_url fixture (an instance method that
    # pytest 9 warns about, and warnings are errors here). page.goto("/...") is
    # relative to it.
    return demo_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1100, "height": 800}}


def limit_waits(context):
    # Every page is on this machine (chromium_launch_options() sends any other
    # request to a dead proxy), so waiting longer than this means a bug.
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(15_000)
    return context


def records_artifacts(config):
    """Whether pytest-playwright's --tracing, --video or --screenshot is on. It
    records those per context, so then each test gets a context of its own."""
    return any(
        config.getoption(option) != "off"
        for option in ("--tracing", "--video", "--screenshot")
    )


class SharedContext:
    """One browser context for the whole run, reset between tests.

    A new context, or a new page once the last one has closed, costs Chromium a
    new renderer process that compiles Material's scripts afresh: about a CPU
    second per test on this project's pages. So the tests share one context, and
    a page left open on the server (``keeper``) keeps its renderer process alive.
    Between tests, ``reset()`` closes the test's pages and forgets cookies,
    permissions and stored data, so no test sees what another one did; only
    Chromium's HTTP cache stays, as it would for a learner.
    """

    def __init__(self, browser, context_args):
        self.context = limit_waits(browser.new_context(**context_args))
        self.keeper = self.context.new_page()
        self.keeper.goto("/favicon.ico")

    def reset(self):
        for page in self.context.pages:
            if page is not self.keeper:
                page.close()
        self.context.clear_cookies()
        self.context.clear_permissions()
        # localStorage is per origin: the keeper is on the server's, the only one
        # the tests store anything on (the toolbar's and Material's settings).
        self.keeper.evaluate("localStorage.clear(); sessionStorage.clear()")

    def close(self):
        self.context.close()


@pytest.fixture(scope="session")
def shared_context(browser, browser_context_args):
    shared = SharedContext(browser, browser_context_args)
    try:
        yield shared
    finally:
        shared.close()


@pytest.fixture
def context(request, shared_context):
    """Replaces pytest-playwright's ``context`` (a new one per test): the shared
    one, as clean as new when the test starts and again when it ends."""
    if records_artifacts(request.config):
        yield limit_waits(request.getfixturevalue("new_context")())
        return
    shared_context.reset()
    try:
        yield shared_context.context
    finally:
        shared_context.reset()


@pytest.fixture(scope="session")
def alice_cookies(shared_context):
    """Cookies of one login as the demo user, shared by the tests that only need
    to be logged in (logging in hashes the password: a second or so each time).
    Tests that log out log in on their own, or they would end this session."""
    # Requested while a test sets up, before its body runs: the login's own page
    # and cookies go again, and the test starts as clean as the others.
    context = shared_context.context
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        hide_toolbar(page)
        page.get_by_label("Username").fill(DEMO_USERNAME)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.locator("header")).to_contain_text(f"Logged in as {DEMO_USERNAME}")
        return context.cookies()
    finally:
        page.close()
        context.clear_cookies()


@pytest.fixture
def alice_page(page, alice_cookies):
    """``page``, logged in as the demo user."""
    page.context.add_cookies(alice_cookies)
    return page


@pytest.fixture
def browser_errors(page):
    """Console errors and uncaught exceptions of the page, as text.

    Failures of requests for other machines are left out: the tests refuse
    those on purpose (chromium_launch_options).
    """
    errors = []

    def on_console(message):
        if message.type == "error" and is_loopback_url(message.location.get("url", "")):
            if "ERR_PROXY_CONNECTION_FAILED" in message.text:
                return
            errors.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))

    def on_request_failed(request):
        # ERR_ABORTED: the page moved on before the load ended (a favicon, say).
        if is_loopback_url(request.url) and "ERR_ABORTED" not in request.failure:
            errors.append(f"request failed: {request.url} {request.failure}")

    page.on("requestfailed", on_request_failed)
    return errors


@pytest.fixture
def server_log(demo_server):
    return demo_server.log
