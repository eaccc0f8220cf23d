"""URLs for the tests that turn the debug toolbar on.

The project's URLs, the toolbar's (as tutorial_site/urls.py adds them when the
toolbar is on), the tutorial's and a view that fails.
"""

from django.db.models.signals import pre_save
from django.urls import path

from tutorial_site.toolbar import toolbar_urls
from tutorial_site.urls import tutorial_urlpatterns
from tutorial_site.urls import urlpatterns as project_urlpatterns


def failing_view(request):
    pre_save.send(sender=None, instance=None)
    raise RuntimeError("the view failed")


urlpatterns = [
    *project_urlpatterns,
    path("test-only/failing-view/", failing_view),
    *toolbar_urls(),
    # The project routes the tutorial only if DEBUG was on when its urls.py was
    # first imported, which under pytest depends on test order.
    *tutorial_urlpatterns,
]
