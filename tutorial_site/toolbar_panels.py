"""debug-toolbar's panels that see what a request carried, with its secrets masked.

The toolbar keeps what its panels record (the History panel goes back to any of
the last requests), and hides a value only by its *name*, with Django's
SafeExceptionReporterFilter: a form field called "password", a cookie called
"csrftoken". That misses what this project must never show: a password typed
into the user-name box, the session key (its cookie, and every session query in
the SQL panel), a CSRF token rendered into a template, a password hash in an
UPDATE. So each panel here is the toolbar's own, except that what it records
goes through ``masked()`` before the toolbar stores or shows it. The class
names stay the same: the toolbar finds a panel's data by its class name.

Masked, wherever they appear in a panel:

- the values of the POST fields a view declares sensitive with
  @sensitive_post_parameters (Django's LoginView declares them all: user name,
  password, CSRF token), of any field whose name looks sensitive, and of the
  user-name field, also in the forms the login form cleans it into;
- this request's session key and CSRF cookie and secret;
- anything shaped like a CSRF token, a password hash (for the hashers in
  PASSWORD_HASHERS) or a signed value such as the session's data.
"""

import re
from functools import cache, wraps

from debug_toolbar.panels.headers import HeadersPanel as ToolbarHeadersPanel
from debug_toolbar.panels.history import HistoryPanel as ToolbarHistoryPanel
from debug_toolbar.panels.request import RequestPanel as ToolbarRequestPanel
from debug_toolbar.panels.sql import SQLPanel as ToolbarSQLPanel
from debug_toolbar.panels.sql.forms import SQLSelectForm
from debug_toolbar.panels.sql.views import get_signed_data
from debug_toolbar.store import deserialize, serialize
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UsernameField
from django.contrib.auth.hashers import get_hashers
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import JsonResponse
from django.urls import path
from django.views.debug import get_default_exception_reporter_filter

from .templates_panel import TemplatesPanel as OwnRequestTemplatesPanel

# What Django's error pages and the toolbar's own cleansing put in place of a value.
MASK = "********************"


@cache
def shapes():
    """A regex for values that are secret whatever request they come from."""
    algorithms = "|".join(re.escape(hasher.algorithm) for hasher in get_hashers())
    return re.compile(
        # A CSRF token as forms carry it: 64 letters and digits (a 64-digit
        # hexadecimal HMAC, such as the session's auth hash, too).
        r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])"
        # A password hash: "algorithm$..." up to a quote, a space or a bracket.
        rf"|(?<![\w$])(?:{algorithms})\$[^\s'\"<>)]+"
        # A signed value (django.core.signing): payload:timestamp:signature.
        r"|(?<![\w.:-])\.?[\w-]+:[\w-]+:[\w-]{43}(?![\w-])"
    )


def sensitive_name(name):
    return bool(get_default_exception_reporter_filter().hidden_settings.search(name))


def request_secrets(request, form=True):
    """The values this request carries that no panel may show."""
    values = []
    if form:
        values += secret_form_values(request)
    for name in request.GET:
        if sensitive_name(name):
            values += request.GET.getlist(name)
    values += [
        request.COOKIES.get(settings.SESSION_COOKIE_NAME),
        request.COOKIES.get(settings.CSRF_COOKIE_NAME),
        request.META.get("CSRF_COOKIE"),  # the secret, after a rotation too
        request.META.get(settings.CSRF_HEADER_NAME),
    ]
    session = getattr(request, "session", None)
    if session is not None:
        values.append(session.session_key)  # a new one after logging in
    return {value for value in values if isinstance(value, str) and value}


def secret_form_values(request):
    """The values of the POST fields that are secret.

    Those the view declared sensitive, those whose name looks sensitive, and the
    user name: it may be a password typed into the wrong box, and a POST that
    never reached its view (a CSRF failure) declared nothing.
    """
    try:
        post = request.POST
    except (BadRequest, SuspiciousOperation):  # a body Django refused to parse
        return []
    sensitive = getattr(request, "sensitive_post_parameters", ())
    username_field = get_user_model().USERNAME_FIELD
    values = [
        value
        for name in post
        if sensitive == "__ALL__" or name in sensitive or sensitive_name(name)
        for value in post.getlist(name)
    ]
    for typed in post.getlist(username_field):
        values += user_name_forms(typed)
    return values


def user_name_forms(typed):
    """A typed user name in every form a panel may show it in.

    The login form cleans it before authenticate(), the SQL and the signals see
    it: its UsernameField strips the spaces around it and NFKC-normalises it
    (full-width letters become plain ones). A form without the strip, or the
    user model's normalize_username(), leave the spaces on.
    """
    normalize = get_user_model().normalize_username
    return {
        typed,
        typed.strip(),
        UsernameField().to_python(typed),  # no max_length: always normalised
        normalize(typed),
        normalize(typed).strip(),
    }


def secrets_regex(secrets):
    """A regex for each secret as a panel may show it: as it is, inside a
    Python repr() (templates' context) and inside an SQL string literal."""
    forms = set()
    for secret in secrets:
        forms |= {secret, repr(secret)[1:-1], secret.replace("'", "''")}
    alternatives = "|".join(map(re.escape, sorted(forms, key=len, reverse=True)))
    # Not inside a longer word: a one-letter secret must not blank every "a".
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if forms else None


def mask_text(text, secrets_pattern=None):
    if secrets_pattern is not None:
        text = secrets_pattern.sub(MASK, text)
    return shapes().sub(MASK, text)


def masked(data, secrets_pattern=None):
    """``data`` (what the toolbar stores: JSON-like) with every secret masked."""
    if isinstance(data, str):
        return mask_text(data, secrets_pattern)
    if isinstance(data, dict):
        return {
            masked(key, secrets_pattern): masked(value, secrets_pattern)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [masked(item, secrets_pattern) for item in data]
    return data


class MaskedStats:
    """For a toolbar panel: mask the request's secrets in whatever it records.

    The stats go through the toolbar's own JSON round trip first, which turns
    them into what the toolbar's store keeps and later shows anyway.
    """

    def secrets(self):
        return request_secrets(self.toolbar.request)

    def record_stats(self, stats):
        pattern = secrets_regex(self.secrets())
        super().record_stats(masked(deserialize(serialize(stats)), pattern))


class HistoryPanel(MaskedStats, ToolbarHistoryPanel):
    pass


class HeadersPanel(MaskedStats, ToolbarHeadersPanel):
    def secrets(self):
        # It records before the view runs, when reading the form would use up
        # an upload's stream; and headers carry no form fields.
        return request_secrets(self.toolbar.request, form=False)


class RequestPanel(MaskedStats, ToolbarRequestPanel):
    pass


# Built on the Templates panel that hears its own request only (chapter 6).
class TemplatesPanel(MaskedStats, OwnRequestTemplatesPanel):
    pass


def rerun_safely(view):
    """A view of the SQL panel's buttons (Sel, Expl, Prof), made safe.

    They run a recorded query again. The toolbar offers them for every query,
    an INSERT or an UPDATE too, and here the recorded values are masked: running
    such a query again would write the masks into the database. So only a
    SELECT is run again, and its result rows are masked ("Sel" on a query of
    auth_user would show the password hash).
    """

    @wraps(view)  # keeps its csrf_exempt, as the toolbar's page posts no token
    def safe_view(request):
        verified = get_signed_data(request)
        form = SQLSelectForm(verified) if verified else None
        if form is not None and form.is_valid():
            statement = form.cleaned_data["query"]["raw_sql"].lstrip()
            if statement[:6].upper() != "SELECT":
                return JsonResponse({"content": RERUN_REFUSED})
        response = view(request)
        if isinstance(response, JsonResponse):
            return JsonResponse(masked(deserialize(response.content.decode())))
        return response

    return safe_view


RERUN_REFUSED = (
    "<p>Only a SELECT is run again here: this query writes, and its values "
    "are masked in this panel.</p>"
)


class SQLPanel(MaskedStats, ToolbarSQLPanel):
    @classmethod
    def get_urls(cls):
        return [
            path(
                str(pattern.pattern), rerun_safely(pattern.callback), name=pattern.name
            )
            for pattern in super().get_urls()
        ]
