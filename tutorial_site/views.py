import re

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve

# Material names its scripts and styles after their content
# (assets/javascripts/bundle.a5f9d56c.min.js): a build that changes one gives it
# a new name, so a browser may keep these for good instead of asking again on
# every page.
CONTENT_NAMED_ASSET = re.compile(r"assets/(.+/)?[^/]+\.[0-9a-f]{8}\.min\.(js|css)")
A_YEAR = 365 * 24 * 60 * 60


def tutorial(request, path=""):
    """Serve the built tutorial (`make docs-build` writes it to TUTORIAL_SITE_DIR).

    For local use only, like Django's static file serving: urls.py routes here
    only while DEBUG is on.
    """
    if path == "" or path.endswith("/"):
        path += "index.html"
    if not (settings.TUTORIAL_SITE_DIR / "index.html").exists():
        raise Http404("The tutorial is not built yet: run `make docs-build`.")
    try:
        response = serve(request, path, document_root=settings.TUTORIAL_SITE_DIR)
    except OSError:
        # serve() asks pathlib whether the file exists, which raises rather than
        # answer False for a name longer than the file system allows.
        raise Http404("No such page in the tutorial.") from None
    if CONTENT_NAMED_ASSET.fullmatch(path):
        patch_cache_control(response, public=True, max_age=A_YEAR, immutable=True)
    return response


# Browsers ask every site for /favicon.ico; without an answer, each page would
# add a 404 line to the terminal that learners read for signal output.
FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
    '<circle cx="8" cy="8" r="7" fill="#0c4b33"/></svg>'
)


@require_safe
@cache_control(public=True, max_age=A_YEAR)
def favicon(request):
    return HttpResponse(FAVICON, content_type="image/svg+xml")
