"""The toolbar's Templates panel hears its own request only (tutorial_site/templates_panel.py).

debug-toolbar's Templates panel connects to template_rendered while a request
is handled. Receivers are global: under `make run`'s threaded server it also
heard, kept and later evaluated the templates other requests rendered meanwhile,
and about 2 % of first visits got a CSRF 403 (chapter 6, "A receiver connected
at run time hears every thread").
"""

import asyncio
import json
import re
import threading
from urllib.parse import urlencode

import pytest
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory

from tests.live_server import Visitor, csrf_token_in

CLIENTS = 20
FLOWS_PER_CLIENT = 8


def templates_panel(visitor, page):
    """The template names the Templates panel lists for the request of ``page``."""
    request_id = re.search(r'data-request-id="([0-9a-f]+)"', page)[1]
    query = urlencode({"request_id": request_id, "panel_id": "TemplatesPanel"})
    status, _, text = visitor.request("GET", f"/__debug__/render_panel/?{query}")
    assert status == 200, status
    content = json.loads(text)["content"]
    return re.findall(
        r'class="remoteCall toggleTemplate" href="[^"]*">([^<]*)</a>', content
    )


def form_flow(visitor):
    """A first visit: open the login page, then send a form with its token.

    Logging out needs no password hash, so many flows fit in a short test; its
    CSRF check is the one every POST of the site gets. Returns the status of the
    POST and the templates the Templates panel lists for the page.
    """
    status, _, page = visitor.request("GET", "/accounts/login/")
    assert status == 200, status
    post_status, _, _ = visitor.request(
        "POST", "/accounts/logout/", {"csrfmiddlewaretoken": csrf_token_in(page)}
    )
    return post_status, templates_panel(visitor, page)


def test_concurrent_first_visits_with_the_toolbar_on(real_server):
    # One visit alone: the templates of the login page.
    status, alone = form_flow(Visitor(real_server))
    assert status == 302
    assert "foo/login.html" in alone and "base.html" in alone

    results = []
    lock = threading.Lock()

    def client():
        for _ in range(FLOWS_PER_CLIENT):
            result = form_flow(Visitor(real_server))  # no cookie yet: a first visit
            with lock:
                results.append(result)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert len(results) == CLIENTS * FLOWS_PER_CLIENT
    # Every form was accepted: the token in each page matched its cookie.
    assert [status for status, _ in results if status != 302] == []
    # Each request's panel lists its own templates, none of the other requests'.
    assert [panel for _, panel in results if panel != alone] == []


# In-process: one panel, renders from its own thread, another thread, other tasks.


@pytest.fixture
def new_panel(settings):
    """Makes Templates panels: ``new_panel()`` ours, ``new_panel(upstream=True)``
    debug-toolbar's own."""
    settings.DEBUG = True
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "debug_toolbar"]
    # Importable only once the app is installed (it defines a model).
    from debug_toolbar.panels import templates
    from debug_toolbar.toolbar import DebugToolbar

    from tutorial_site.templates_panel import TemplatesPanel

    def new_panel(upstream=False):
        def get_response(request):
            return HttpResponse()

        toolbar = DebugToolbar(RequestFactory().get("/"), get_response)
        panel_class = templates.TemplatesPanel if upstream else TemplatesPanel
        return panel_class(toolbar, get_response)

    return new_panel


def render(name):
    Template("<p>{{ name }}</p>", name=name).render(Context({"name": name}))


def recorded(panel):
    return [template["template"].name for template in panel.templates]


def while_recording(panel, action):
    panel.enable_instrumentation()
    try:
        action()
    finally:
        panel.disable_instrumentation()


def render_in_another_thread():
    render("theirs.html")
    thread = threading.Thread(target=render, args=["other-thread.html"])
    thread.start()
    thread.join()
    render("mine.html")


def test_upstream_templates_panel_records_other_threads_renders(new_panel):
    # Pins debug-toolbar's behaviour that the subclass exists for: if a new
    # release stops hearing other threads, this fails and the subclass can go.
    panel = new_panel(upstream=True)

    while_recording(panel, render_in_another_thread)

    assert recorded(panel) == ["theirs.html", "other-thread.html", "mine.html"]


def test_templates_panel_records_only_its_own_thread(new_panel):
    panel = new_panel()

    while_recording(panel, render_in_another_thread)

    assert recorded(panel) == ["theirs.html", "mine.html"]
    assert panel.panel_id == "TemplatesPanel"  # same id as the original


def test_templates_panels_of_concurrent_async_requests_keep_apart(new_panel):
    # Under ASGI, requests share one thread: each is an asyncio task, and a
    # ContextVar has a value per task.
    first, second = new_panel(), new_panel()

    async def request(panel, name):
        panel.enable_instrumentation()
        try:
            for n in range(3):
                render(f"{name}-{n}.html")
                await asyncio.sleep(0)  # let the other request render meanwhile
        finally:
            panel.disable_instrumentation()

    async def both():
        await asyncio.gather(request(first, "first"), request(second, "second"))

    asyncio.run(both())

    assert recorded(first) == ["first-0.html", "first-1.html", "first-2.html"]
    assert recorded(second) == ["second-0.html", "second-1.html", "second-2.html"]


def test_templates_panel_records_nothing_once_disabled(new_panel):
    panel = new_panel()
    while_recording(panel, lambda: render("during.html"))

    render("after.html")

    assert recorded(panel) == ["during.html"]
