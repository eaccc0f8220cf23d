"""`manage.py runserver`: staticfiles' own, with a static files handler that
answers a path outside the static folders with a 400 rather than a 500.

Here because tutorial_site is the project itself: the command serves the whole
site, and the project's app, listed before django.contrib.staticfiles in
INSTALLED_APPS, is where Django looks for it first.
"""

from django.contrib.staticfiles import handlers
from django.contrib.staticfiles.management.commands import runserver
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.exception import response_for_exception

from tutorial_site.middleware import WSGIRequestTolerantOfBadContentType


class StaticFilesHandler(handlers.StaticFilesHandler):
    """Django's handler of /static/ for runserver, answering as Django does.

    A path such as /static/../settings.py makes the static files finders raise
    SuspiciousFileOperation. Django's handler catches only Http404, so the
    exception reached the WSGI server: a 500, its traceback printed raw. Here it
    gets Django's usual answer to a SuspiciousOperation: a 400, logged once to
    django.security. Its requests are built as tutorial_site/wsgi.py builds them.
    """

    request_class = WSGIRequestTolerantOfBadContentType

    def get_response(self, request):
        try:
            return super().get_response(request)
        except SuspiciousOperation as error:
            return response_for_exception(request, error)


class Command(runserver.Command):
    def get_handler(self, *args, **options):
        handler = super().get_handler(*args, **options)
        if isinstance(handler, handlers.StaticFilesHandler):
            return StaticFilesHandler(handler.application)
        return handler
