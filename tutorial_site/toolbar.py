"""Where django-debug-toolbar shows itself: DEBUG_TOOLBAR_CONFIG["SHOW_TOOLBAR_CALLBACK"]."""

from debug_toolbar.middleware import show_toolbar as shown_by_default
from django.urls import NoReverseMatch, reverse


def show_toolbar(request):
    """The demo's pages, as the toolbar decides by default; never the tutorial.

    The tutorial is built files: no signal is sent for them worth seeing, and
    the toolbar would run its panels for every page, script and image of it.
    """
    try:
        tutorial = reverse("tutorial", kwargs={"path": ""})
    except NoReverseMatch:  # not routed (DEBUG off)
        tutorial = None
    if tutorial and request.path.startswith(tutorial):
        return False
    return shown_by_default(request)
