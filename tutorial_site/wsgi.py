"""WSGI entry point, used by `runserver` and by production servers."""

import os

import django

from tutorial_site.middleware import RequestCheckingWSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutorial_site.settings")

# What django.core.wsgi.get_wsgi_application() does, with a handler that can
# build (and so refuse, with a 400) a request whose charset Django cannot decode.
django.setup(set_prefix=False)
application = RequestCheckingWSGIHandler()
