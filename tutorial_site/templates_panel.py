"""debug-toolbar's Templates panel, recording the templates of its own request only."""

from contextvars import ContextVar

from debug_toolbar.panels import templates

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
