from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from . import views

urlpatterns = [
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
    path("accounts/", include("foo.urls")),
    path("", include("blog.urls")),
]

# The built tutorial, served like static files: only while DEBUG is on.
tutorial_urlpatterns = [
    re_path(r"^tutorial/(?P<path>.*)$", views.tutorial, name="tutorial")
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
