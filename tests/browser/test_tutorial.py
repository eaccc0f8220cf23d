"""The tutorial in a real browser, served by the demo's server at /tutorial/."""

import json
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from . import tutorial
from .steps import DEMO_POST_URL, hide_toolbar

# Material 9.7+ puts the copy button in a code block's nav; older releases used
# .md-clipboard.
COPY_BUTTON = ".md-code__button[data-md-type=copy], .md-clipboard"

# How the chapters may link to the demo: root-relative ("/accounts/login/") or
# the address `make run` prints.
DEMO_ADDRESSES = ("http://127.0.0.1:8000", "http://localhost:8000")


class LinksAndIds(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.images, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])


def parse(html):
    parser = LinksAndIds()
    parser.feed(html)
    return parser


def site_pages(demo_server):
    """{URL path: parsed HTML} for every page of the built tutorial."""
    return {
        path: parse(tutorial.page_file(demo_server.site_dir, path).read_text())
        for path in tutorial.page_paths(demo_server.site_dir)
    }


# Chapter 3's links to 127.0.0.1:8000 are pages of the learner's own project,
# starter/, not of the demo: tests/test_docs_build.py resolves them there.
OWN_PROJECT_PAGE = "/tutorial/chapters/03-your-own-project/"


def demo_url(base_url, page_path, href):
    """The demo page a tutorial link points at, on the test server; else None."""
    for address in DEMO_ADDRESSES:
        if href == address or href.startswith(address + "/"):
            return base_url + (href.removeprefix(address) or "/")
    absolute = urljoin(base_url + page_path, href)
    if absolute.startswith(base_url + "/") and not absolute.startswith(
        base_url + "/tutorial/"
    ):
        return absolute
    return None


def test_every_page_loads_with_no_console_error_or_broken_image(
    page, demo_server, browser_errors
):
    paths = tutorial.page_paths(demo_server.site_dir)
    assert "/tutorial/" in paths
    problems = []
    for path in paths:
        response = page.goto(path, wait_until="load")
        if response.status != 200:
            problems.append(f"{path}: HTTP {response.status}")
            continue
        broken = page.eval_on_selector_all(
            "img", "imgs => imgs.filter(i => !i.naturalWidth).map(i => i.src)"
        )
        problems += [f"{path}: broken image {src}" for src in broken]
        problems += [f"{path}: {error}" for error in browser_errors]
        browser_errors.clear()
    assert problems == []


def test_no_broken_internal_link(page, demo_server, base_url):
    pages = site_pages(demo_server)
    fetched = {}  # URL path -> parsed page, or the HTTP status when not 200
    problems = []
    checked = 0
    for path, parsed in pages.items():
        for href in parsed.links + parsed.images:
            target = urlsplit(urljoin(base_url + path, href))
            if f"{target.scheme}://{target.netloc}" != base_url:
                continue  # another site (no network here), or mailto: and the like
            if not target.path.startswith("/tutorial/"):
                continue  # a link into the demo: see the test below
            checked += 1
            if target.path not in fetched:
                response = page.request.get(base_url + target.path)
                fetched[target.path] = (
                    parse(response.text())
                    if response.status == 200
                    and "html" in response.headers.get("content-type", "")
                    else response.status
                )
            result = fetched[target.path]
            if isinstance(result, int) and result != 200:
                problems.append(f"{path}: {href} is HTTP {result}")
            elif (
                target.fragment
                and not isinstance(result, int)
                and unquote(target.fragment) not in result.ids
            ):
                problems.append(f"{path}: {href} has no #{target.fragment}")
    assert checked > 0  # the crawl did follow links
    assert problems == []


def test_the_demos_tutorial_link_opens_the_tutorial(page, base_url, browser_errors):
    page.goto("/")
    hide_toolbar(page)  # when shown, the debug toolbar covers the header's links
    page.locator("header").get_by_role("link", name="Tutorial").click()

    expect(page).to_have_url(f"{base_url}/tutorial/")
    expect(page).to_have_title(
        re.compile(re.escape(tutorial.tutorial_config().site_name))
    )
    expect(page.locator(".md-content h1").first).to_be_visible()
    assert browser_errors == []


def test_chapter_links_in_the_demo_land_on_their_chapter(page, base_url, alice_cookies):
    links = {}  # href -> the demo page it is on
    page.goto("/accounts/login/")
    for href in page.eval_on_selector_all(
        "main a[href^='/tutorial/']", "as => as.map(a => a.getAttribute('href'))"
    ):
        links.setdefault(href, "/accounts/login/")
    page.context.add_cookies(alice_cookies)  # the comment form links to one too
    page.goto(DEMO_POST_URL)
    for href in page.eval_on_selector_all(
        "main a[href^='/tutorial/']", "as => as.map(a => a.getAttribute('href'))"
    ):
        links.setdefault(href, DEMO_POST_URL)
    assert links  # the demo pages do point into the tutorial
    unwritten = sorted(href for href in links if tutorial.source_of(href) is None)
    if unwritten:
        pytest.skip(f"chapters not written yet: {', '.join(unwritten)}")

    for href, demo_page in links.items():
        page.goto(demo_page)
        hide_toolbar(page)
        with page.expect_navigation() as navigation:
            page.locator(f"main a[href='{href}']").first.click()
        assert navigation.value.status == 200, href
        expect(page).to_have_url(base_url + href)
        expect(page.locator(".md-content h1").first).to_be_visible()


def test_chapter_links_to_the_demo_land_on_the_right_pages(
    alice_page, demo_server, base_url
):
    page = alice_page  # some demo pages show more to a logged-in user
    targets = {}  # demo URL -> the tutorial page that links to it
    for path, parsed in site_pages(demo_server).items():
        if path == OWN_PROJECT_PAGE:
            continue
        for href in parsed.links:
            url = demo_url(base_url, path, href)
            if url:
                targets.setdefault(url.split("#")[0], path)
    if not targets:
        pytest.skip("no tutorial page links to the demo yet")

    problems = []
    for url, source in sorted(targets.items()):
        # Fetched with the page's cookies and redirects followed, not rendered:
        # where a link lands is the server's answer, and rendering each page
        # would cost the browser a second of CPU for nothing this test checks.
        response = page.request.get(url)
        landed = urlsplit(response.url)
        if response.status != 200:
            problems.append(f"{source}: {url} is HTTP {response.status}")
        elif landed.path != urlsplit(url).path:
            problems.append(f"{source}: {url} ends up at {response.url}")
    assert problems == []


@pytest.mark.skipif(not tutorial.has_search(), reason="mkdocs.yml has no search plugin")
def test_search_finds_dispatch_uid(page, demo_server):
    index = json.loads(
        (demo_server.site_dir / "search" / "search_index.json").read_text()
    )
    if not any("dispatch_uid" in doc["text"] for doc in index["docs"]):
        pytest.skip("no tutorial page mentions dispatch_uid yet")

    page.goto("/tutorial/")
    search = page.locator(".md-search__input")
    search.click()
    # Typed key by key: Material's search reacts to keyboard events.
    search.press_sequentially("dispatch_uid", delay=20)
    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible()
    results.first.locator("a").first.click()

    expect(page).to_have_url(re.compile(r"/tutorial/.+"))
    expect(page.locator(".md-content")).to_contain_text("dispatch_uid")


HIGHLIGHTED = re.compile(r'class="(?:[\w-]+ )*highlight"')


def first_page_with_code(site_dir):
    for path in tutorial.page_paths(site_dir):
        # A highlighted code block, "language-python highlight" and the like (a
        # Mermaid diagram is a <pre> with no copy button).
        if HIGHLIGHTED.search(tutorial.page_file(site_dir, path).read_text()):
            return path
    return None


@pytest.mark.skipif(
    not tutorial.has_copy_button(),
    reason="mkdocs.yml does not turn on Material's content.code.copy",
)
def test_copy_button_copies_the_code(page, context, demo_server, base_url):
    path = first_page_with_code(demo_server.site_dir)
    if path is None:
        pytest.skip("no tutorial page has a code block yet")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)

    page.goto(path)
    # The first visible block: a block in an inactive content tab is hidden.
    block = page.locator("pre:visible").filter(has=page.locator(COPY_BUTTON)).first
    button = block.locator(COPY_BUTTON)
    block.hover()
    button.click()

    expect(page.locator(".md-dialog")).to_contain_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    code = block.locator("code").first.inner_text()
    assert copied.strip()
    assert copied.strip() == code.strip()


@pytest.mark.skipif(
    not tutorial.has_palette_toggle(),
    reason="mkdocs.yml has no light/dark palette toggle",
)
def test_light_dark_toggle_switches_and_is_remembered(page):
    palette = tutorial.theme_option("palette")
    first, second = (scheme.get("scheme", "default") for scheme in palette[:2])
    body = page.locator("body")
    toggle = page.locator("form[data-md-component=palette] label:visible")

    page.goto("/tutorial/")
    expect(body).to_have_attribute("data-md-color-scheme", first)
    toggle.click()
    expect(body).to_have_attribute("data-md-color-scheme", second)
    page.reload()
    expect(body).to_have_attribute("data-md-color-scheme", second)
    toggle.click()
    expect(body).to_have_attribute("data-md-color-scheme", first)


def test_diagrams_render_offline_and_only_their_pages_load_mermaid(
    page, browser_errors
):
    loaded = []
    page.on(
        "request",
        lambda request: (
            loaded.append(request.url)
            if request.url.endswith("/mermaid.min.js")
            else None
        ),
    )
    page.goto("/tutorial/chapters/01-what-are-signals/")
    # Material swaps each diagram for a div whose closed shadow root holds the SVG.
    expect(page.locator(".md-content div.mermaid").first).to_be_attached()
    expect(page.locator(".md-content pre.mermaid")).to_have_count(0)
    assert [url for url in loaded if "/tutorial/assets/vendor/" in url]
    assert browser_errors == []

    loaded.clear()
    page.goto("/tutorial/chapters/14-coming-from-older-tutorials/")
    expect(page.locator(".md-content h1")).to_be_visible()
    expect(page.locator(".md-content .mermaid")).to_have_count(0)  # no diagram here
    assert loaded == []
