# --8<-- [start:imports]
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

# --8<-- [end:imports]
from . import views

# --8<-- [start:urlpatterns]
urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("foo.urls")),
    path("", include("blog.urls")),
]
# --8<-- [end:urlpatterns]

# This demo's own pages: a favicon, so that no 404 line interrupts the terminal,
# and the built tutorial, served like static files only while DEBUG is on.
urlpatterns += [path("favicon.ico", views.favicon)]
tutorial_urlpatterns = [
    path("tutorial/", views.tutorial, name="tutorial"),
    path("tutorial/<path:path>", views.tutorial),
]
if settings.DEBUG:
    urlpatterns += tutorial_urlpatterns

# The debug toolbar's own views (panel contents, history), only where settings
# installed it: DEBUG on and not under tests.
# --8<-- [start:toolbar-urls]
if "debug_toolbar" in settings.INSTALLED_APPS:
    # debug_toolbar_urls(), except that a panel asked for without its query
    # parameters gets a 400, not the toolbar's 500 (tutorial_site/toolbar.py).
    from .toolbar import toolbar_urls

    urlpatterns += toolbar_urls()
# --8<-- [end:toolbar-urls]
