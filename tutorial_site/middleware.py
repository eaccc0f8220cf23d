"""Middleware of the project as a whole (MIDDLEWARE in settings.py)."""

from django.http import HttpResponseBadRequest, QueryDict

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class FormCharsetMiddleware:
    """Answer 400 to a form POST that declares a charset other than UTF-8.

    Django decodes such bodies as UTF-8 only: for ``charset=latin-1`` (or
    ``utf8``, spelt without the hyphen) reading ``request.POST`` raises
    BadRequest, and raises it again at every later read, because the parse
    error is not remembered. With DEBUG on, the technical 400 page reads
    ``request.POST`` to list the form's fields, and so do the debug toolbar's
    Request and History panels for every POST: the second read escapes, as a
    500. So the request is refused here, before anything reads its body, with
    ``request.POST`` left empty (as Django leaves it after a multipart body it
    cannot parse) for whatever looks at the request afterwards.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        charset = request.encoding
        if (
            request.method == "POST"
            and request.content_type == FORM_CONTENT_TYPE
            and charset is not None
            and charset.lower() != "utf-8"
        ):
            request.POST = QueryDict()
            return HttpResponseBadRequest(
                f"This form was sent with charset={charset}, but form data "
                f"({FORM_CONTENT_TYPE}) must be UTF-8: send it with "
                "charset=utf-8, or with no charset at all.\n",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
