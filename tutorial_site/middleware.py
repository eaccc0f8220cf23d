"""Refusing requests whose body or parameters Django cannot read.

Django raises, rather than answering 400, when it meets one of these:

- a ``Content-Length`` that is not a number (``abc``, ``1e3``): Django 5.2 raises
  ValueError at the first read of ``request.body`` or ``request.POST``;
- a charset Python knows but cannot decode text with (``zlib``, ``rot13``,
  ``hex``, ``base64``, ``idna``, ``undefined``): the query string is decoded with
  it, and raises LookupError or UnicodeError;
- a ``Content-Type`` header Django's own parser refuses (an RFC 2231 parameter in
  an unknown charset, such as ``charset*=zz''utf-8``);
- a form POST in a charset other than UTF-8: Django decodes form bodies as UTF-8
  only, and raises BadRequest at every read of ``request.POST``.

With DEBUG on, the error page reads ``request.POST`` again to list the form's
fields, and so do the debug toolbar's Request and History panels for every
request: each of these was a 500. RefuseUnreadableRequestsMiddleware answers 400
before anything reads the request, so it comes first in MIDDLEWARE, before the
toolbar (settings.py). The last two kinds raise as Django builds the request,
before any middleware runs: WSGIRequestTolerantOfBadContentType, which
tutorial_site/wsgi.py and our runserver use, builds it without its charset, and
the middleware refuses it.
"""

import codecs

from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import HttpResponseBadRequest
from django.utils.http import parse_header_parameters

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# Bytes of every kind a query string or a form can carry, to decode with a
# declared charset. No backslash: the unicode_escape codec warns about it.
DECODING_SAMPLE = bytes(byte for byte in range(256) if byte != ord("\\"))


def why_unreadable(request):
    """Why Django cannot read this request's parameters or body, or None."""
    return content_type_problem(request.META.get("CONTENT_TYPE", "")) or (
        content_length_problem(request.META.get("CONTENT_LENGTH"))
        or form_charset_problem(request)
    )


def content_type_problem(header):
    try:
        _, params = parse_header_parameters(header)
    except ValueError:
        return "The Content-Type header of this request cannot be parsed.\n"
    charset = params.get("charset")
    if charset is not None and not can_decode_with(charset):
        return (
            f"This request was sent with charset={charset}, which is not a text "
            "encoding Django can decode: send it with charset=utf-8, or with no "
            "charset at all.\n"
        )
    return None


def can_decode_with(charset):
    """False for a charset Python knows but cannot decode text with. Django
    ignores a charset Python does not know, and reads UTF-8 instead."""
    try:
        codecs.lookup(charset)
    except LookupError:
        return True
    try:
        DECODING_SAMPLE.decode(charset, "replace")
    except (LookupError, UnicodeError):
        return False
    return True


def content_length_problem(value):
    # Digits only, as HTTP writes it: int() would also take "-5", "+5" and "1_0".
    if value is None or value == "":
        return None
    digits = value.strip(" \t")
    if digits.isascii() and digits.isdigit():
        return None
    return (
        "The Content-Length header of this request must be its size in bytes, "
        "written in digits.\n"
    )


def form_charset_problem(request):
    charset = request.content_params.get("charset")
    if (
        request.method == "POST"
        and request.content_type == FORM_CONTENT_TYPE
        and charset is not None
        and charset.lower() != "utf-8"
    ):
        return (
            f"This form was sent with charset={charset}, but form data "
            f"({FORM_CONTENT_TYPE}) must be UTF-8: send it with "
            "charset=utf-8, or with no charset at all.\n"
        )
    return None


class RefuseUnreadableRequestsMiddleware:
    """Answer 400, saying why, to a request whose body or parameters Django
    cannot read (see this module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = why_unreadable(request)
        if problem is not None:
            response = HttpResponseBadRequest(
                problem, content_type="text/plain; charset=utf-8"
            )
            # Answered before SecurityMiddleware, which would add this header.
            response["X-Content-Type-Options"] = "nosniff"
            return response
        return self.get_response(request)


class WSGIRequestTolerantOfBadContentType(WSGIRequest):
    """A WSGIRequest that Django can build whatever its Content-Type header.

    Django decodes the query string with the declared charset as it builds the
    request, so a charset it cannot decode with raises before any middleware
    runs. This request leaves such a header out, as Django leaves out a charset
    it does not know; the middleware then refuses the request.
    """

    def _set_content_type_params(self, meta):
        if content_type_problem(meta.get("CONTENT_TYPE", "")) is None:
            super()._set_content_type_params(meta)
        else:
            self.content_type, self.content_params = "", {}


class RequestCheckingWSGIHandler(WSGIHandler):
    """Django's WSGI handler, building requests the middleware can refuse."""

    request_class = WSGIRequestTolerantOfBadContentType
