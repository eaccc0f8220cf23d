"""The "Signals sent" panel of django-debug-toolbar: every signal a request sent.

Add "signal_watch.panels.SignalsSentPanel" to DEBUG_TOOLBAR_PANELS. The
recording itself is in recording.py, the text it shows in describing.py.
"""

# --8<-- [start:imports]
from debug_toolbar.panels import Panel
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .recording import SignalRecorder


# --8<-- [end:imports]
# --8<-- [start:panel]
class SignalsSentPanel(Panel):
    """The signals sent while the toolbar handled the request, in order."""

    title = _("Signals sent")
    template = "signal_watch/panels/signals_sent.html"
    is_async = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.recorder = SignalRecorder()

    @property
    def nav_subtitle(self):
        count = self.get_stats().get("count", 0)
        return ngettext("%(count)d signal sent", "%(count)d signals sent", count) % {
            "count": count
        }

    # The toolbar calls these around each request it handles, in that
    # request's thread or task, and disable_instrumentation() even when the
    # view raised.
    def enable_instrumentation(self):
        self.recorder.start()

    def disable_instrumentation(self):
        self.recorder.stop()

    def generate_stats(self, request, response):
        sends = [record.as_dict() for record in self.recorder.records]
        self.recorder.clear()
        self.record_stats(
            {
                "sends": sends,
                "rows": table_rows(sends),
                "count": sum(send["count"] for send in sends),
                "total_ms": sum(s["duration_ms"] for s in sends if s["depth"] == 0),
            }
        )


def table_rows(sends):
    """One row per send that called receivers; one per run of grouped sends
    (those that called none), listed with their counts."""
    rows = []
    for send in sends:
        if not send["grouped"]:
            rows.append({"send": send, "depth": send["depth"]})
        elif rows and "grouped" in rows[-1] and rows[-1]["depth"] == send["depth"]:
            rows[-1]["grouped"].append(send)
            rows[-1]["last"] = send["order"]
        else:
            rows.append(
                {
                    "grouped": [send],
                    "depth": send["depth"],
                    "first": send["order"],
                    "last": send["order"],
                }
            )
    return rows


# --8<-- [end:panel]
