"""The demo's django-debug-toolbar set-up: where it shows, and a Templates panel
that records its own request only."""

# --8<-- [start:imports]
from contextvars import ContextVar

from debug_toolbar.middleware import show_toolbar as shown_by_default
from debug_toolbar.panels import templates
from django.urls import NoReverseMatch, reverse

# --8<-- [end:imports]


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


# --8<-- [start:templates_panel]
# The panel recording in this thread (or asyncio task): each thread and each
# task sees its own value of a ContextVar.
recording_panel = ContextVar("recording_templates_panel", default=None)


class TemplatesPanel(templates.TemplatesPanel):
    """debug-toolbar's Templates panel, deaf to the other requests' templates.

    The original connects its receiver to template_rendered for the length of
    each request. Receivers are global: under a threaded server it also hears
    the templates that other requests render meanwhile, keeps their contexts,
    and later compares them, which evaluates their lazy values from the wrong
    thread (another visitor's csrf_token among them). Same class name, so the
    panel keeps its id ("TemplatesPanel") and its place in the toolbar.
    """

    def enable_instrumentation(self):
        self._recording = recording_panel.set(self)
        super().enable_instrumentation()

    def disable_instrumentation(self):
        super().disable_instrumentation()
        recording_panel.reset(self._recording)

    def _store_template_info(self, sender, **kwargs):
        if recording_panel.get() is self:  # sent while handling our request
            super()._store_template_info(sender, **kwargs)


# --8<-- [end:templates_panel]
