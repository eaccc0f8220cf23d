"""Where django-debug-toolbar shows itself (DEBUG_TOOLBAR_CONFIG["SHOW_TOOLBAR_CALLBACK"]),
and its view that loads a panel's content, made to refuse bad requests cleanly.
Its panels, with secrets masked, are in toolbar_panels.py."""

from debug_toolbar import APP_NAME, views
from debug_toolbar.decorators import require_show_toolbar
from debug_toolbar.middleware import show_toolbar as shown_by_default
from debug_toolbar.toolbar import DebugToolbar
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseBadRequest
from django.urls import NoReverseMatch, include, path, reverse


def show_toolbar(request):
    """The demo's pages, as the toolbar decides by default; never the tutorial.

    The tutorial is built files: no signal is sent for them worth seeing, and
    the toolbar would run its panels for every page, script and image of it.
    """
    try:
        tutorial = reverse("tutorial")
    except NoReverseMatch:  # not routed (DEBUG off)
        tutorial = None
    if tutorial and request.path.startswith(tutorial):
        return False
    return shown_by_default(request)


@login_not_required
@require_show_toolbar
def render_panel(request):
    """The toolbar's render_panel view (a panel's content, loaded as you click),
    with a 400 for a request without its parameters and a 404 for a panel that
    does not exist: the toolbar's own view answers both with a 500."""
    missing = [name for name in ("request_id", "panel_id") if not request.GET.get(name)]
    if missing:
        return HttpResponseBadRequest(
            f"Missing query parameter: {', '.join(missing)}.\n",
            content_type="text/plain; charset=utf-8",
        )
    panel_ids = {panel.panel_id for panel in DebugToolbar.get_panel_classes()}
    if request.GET["panel_id"] not in panel_ids:
        raise Http404("No such panel.")
    return views.render_panel(request)


def toolbar_urls(prefix="__debug__"):
    """What debug_toolbar_urls() returns, with render_panel above in front of the
    toolbar's own. In the toolbar's URL namespace, as the toolbar needs: it
    recognises its own requests (and does not record them) by that namespace."""
    return [
        path(
            f"{prefix}/",
            include(
                (
                    [
                        path("render_panel/", render_panel, name="render_panel"),
                        *DebugToolbar.get_urls(),
                    ],
                    APP_NAME,
                )
            ),
        )
    ]
