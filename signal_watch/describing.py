"""What a recording keeps of the values a signal carries, and the text it shows.

Two steps, so that a send stays cheap and nothing it carried stays alive:

- keep(), while the send runs: a plain value (a number, a short string, a
  date) is kept as it is; a model instance as a weak reference with its class
  name and primary key, since saving changes the key; any other object as a
  weak reference; a list, tuple, set or dict as a copy of its first items,
  kept the same way. What can be neither is described at once.
- describe_kept(), when the records are read: short text that cannot leak a
  secret. Keys that look sensitive are masked with Django's own rule (the one
  its error pages use for settings), plus session, CSRF and cookie data; so is
  a string under a user-name key, which may be a password typed into the wrong
  box, and every value of a `credentials` dict. A request shows its method and
  path, a user the name of its account, a model instance its class and primary
  key. Describing runs no SQL and calls no __repr__ or __str__ of unknown
  objects: either could query the database or reveal something private.
"""

# --8<-- [start:imports]
import contextlib
import datetime
import importlib
import re
import weakref
from dataclasses import dataclass
from decimal import Decimal
from types import BuiltinFunctionType, FunctionType, MethodType
from uuid import UUID

from django.db.models import Model, QuerySet
from django.http import HttpRequest, QueryDict
from django.template import Template
from django.views.debug import get_default_exception_reporter_filter

# --8<-- [end:imports]
# Immutable values that refer to no other object: kept as they are.
PLAIN_TYPES = frozenset(
    {
        type(None),
        bool,
        int,
        float,
        complex,
        str,
        bytes,
        Decimal,
        UUID,
        datetime.date,
        datetime.datetime,
        datetime.time,
        datetime.timedelta,
    }
)
CONTAINER_TYPES = frozenset({tuple, list, set, frozenset, dict})
SHOWN_ITEMS = 10  # items of a list or dict that are kept and shown
SHOWN_CHARS = 60  # characters of a string that are shown
MAX_TEXT = 120  # characters of any one description


class Described(str):
    """A value that could not be kept, described while its send ran."""


class _More:
    """Stands for the items of a container that were not kept."""

    def __repr__(self):
        return "..."


MORE = _More()
# A kept model instance is the tuple (MODEL, weak reference, class name, pk).
MODEL = object()
GONE = "<no longer in memory>"
_ref = weakref.ref


def keep(value, _depth=0):
    """What a recording keeps of ``value``: nothing that keeps it alive. Never raises."""
    try:
        return _keep(value, _depth)
    except Exception as exc:  # a send must never fail because it was recorded
        return Described(f"<not describable: {type(exc).__name__}>")


def _keep(value, _depth):
    kind = type(value)
    if kind in PLAIN_TYPES:
        if kind is str and len(value) > SHOWN_CHARS:
            return value[: SHOWN_CHARS + 1]  # enough to be shown cut
        return value
    # type(), not isinstance(): isinstance() would wake a lazy object up (and
    # SimpleLazyObject(request.user) would query the database).
    if issubclass(kind, Model):
        return keep_instance(value)
    if kind in CONTAINER_TYPES:
        return keep_items(value, _depth)
    try:
        return weakref.ref(value)
    except TypeError:
        return Described(describe(value))


def keep_items(container, _depth=0):
    """What a recording keeps of a list, tuple, set or dict: a copy of its first items."""
    kind = type(container)
    if kind is dict:
        return _keep_dict(container, _depth)
    for item in container:
        if type(item) not in PLAIN_TYPES:
            break
    else:  # plain items only: nothing else is kept alive through them
        if kind is tuple or kind is frozenset:
            return container  # a row read from the database, for instance
        if len(container) <= SHOWN_ITEMS:
            return kind(container)
    if _depth >= 2:
        return Described(f"<{kind.__name__} of {len(container)} items>")
    items = [
        keep(item, _depth + 1)
        for item, _ in zip(container, range(SHOWN_ITEMS), strict=False)
    ]
    if len(container) > SHOWN_ITEMS:
        items.append(MORE)
    return frozenset(items) if kind is set else kind(items)


def _keep_dict(container, _depth):
    kept = {}
    for key, item in container.items():
        if len(kept) == SHOWN_ITEMS:
            kept[MORE] = MORE
            break
        if type(key) not in PLAIN_TYPES:
            key = Described(describe(key, 2))
        kind = type(item)
        if kind not in PLAIN_TYPES or (kind is str and len(item) > SHOWN_CHARS):
            item = keep(item, _depth + 1)
        kept[key] = item
    return kept


def _cut(text):
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS + 1]


def _keeper_for(kind):
    """How keep() keeps any value of type ``kind``: None when as it is."""
    if kind is str:
        return _cut
    if kind in PLAIN_TYPES:
        return None
    if issubclass(kind, Model):
        return _instance_keeper(kind)
    if kind in CONTAINER_TYPES:
        return keep_items
    if kind.__weakrefoffset__:  # its instances can have weak references
        return weakref.ref
    return keep


class _Keepers(dict):
    """type -> how its values are kept (see _keeper_for), worked out once per type."""

    def __missing__(self, kind):
        keeper = _keeper_for(kind)
        if len(self) < 1000:
            self[kind] = KNOWN_KEEPERS[kind] = keeper
        return keeper


# What a send does on every value it carries, so one lookup instead of a
# string of tests: KEEPERS[type(value)] is None, or the function to call.
KEEPERS = _Keepers()
# The same, as a plain dict, which Python indexes quicker than a subclass:
# KeyError for a type not seen yet (then ask KEEPERS).
KNOWN_KEEPERS = {}


def keep_named(named):
    """Keep the keyword arguments of a send, in place: ``named`` must be the
    send's own dict, the one no receiver was given."""
    for key, value in named.items():
        keeper = KEEPERS[type(value)]
        if keeper is not None:
            named[key] = keeper(value)
    return named


def keep_instance(instance):
    """(MODEL, weak reference, class name, primary key): the key as it is now,
    since saving changes it, masked where it is a secret (a session key)."""
    return KEEPERS[type(instance)](instance)


def _instance_keeper(model):
    """keep_instance() for the instances of one model, with what it reads of
    the model's _meta worked out once: a send only reads the key."""
    pk_field, name = model._meta.pk, model.__name__
    if pk_field is None:  # an abstract model has no instances: never fail

        def keep_keyless(instance):
            return (MODEL, _ref(instance), name, None)

        return keep_keyless
    if is_sensitive(pk_field.name):
        substitute = masking().substitute

        def keep_masked(instance):
            return (MODEL, _ref(instance), name, substitute)

        return keep_masked
    attname = pk_field.attname

    def keep_model_instance(instance):
        pk = instance.__dict__.get(attname, MORE)
        if pk is MORE:  # a composite primary key, or not loaded
            pk = pk_of(instance)
        return (MODEL, _ref(instance), name, pk)

    return keep_model_instance


def pk_of(instance):
    """The primary key as the instance holds it: never loads a deferred field."""
    fields = instance._meta.pk_fields
    if len(fields) == 1:
        return instance.__dict__.get(fields[0].attname)
    return tuple(instance.__dict__.get(field.attname) for field in fields)


# --- masking ----------------------------------------------------------------------

# --8<-- [start:masking]
# Besides what Django's error reports hide, never show session or CSRF data.
EXTRA_HIDDEN = "SESSION|CSRF|COOKIE"
# A string under such a key may be a password typed into the user-name box.
# Masked by its key, it is hidden in any form: as typed, or as the login form
# cleaned it (stripped, NFKC-normalised).
USER_NAME_KEYS = re.compile("USER|LOGIN", re.I)


@dataclass(frozen=True)
class _Masking:
    hidden: re.Pattern
    substitute: str


_masking = None
_sensitive_keys = {}  # memo: key -> bool


def masking():
    # Django's own rule for what looks secret (settings.DEFAULT_EXCEPTION_REPORTER_FILTER,
    # by default SafeExceptionReporterFilter: API|AUTH|TOKEN|KEY|SECRET|PASS|...).
    global _masking
    if _masking is None:
        reporter_filter = get_default_exception_reporter_filter()
        hidden = reporter_filter.hidden_settings
        _masking = _Masking(
            re.compile(f"{hidden.pattern}|{EXTRA_HIDDEN}", hidden.flags | re.I),
            reporter_filter.cleansed_substitute,
        )
    return _masking


def is_sensitive(key):
    try:
        return _sensitive_keys[key]
    except KeyError:
        found = isinstance(key, str) and bool(masking().hidden.search(key))
        if len(_sensitive_keys) < 1000:
            _sensitive_keys[key] = found
        return found
    except TypeError:  # unhashable
        return False


def masked():
    return repr(masking().substitute)


def is_masked_under(key, kept):
    """Whether the value kept under ``key`` must not be shown."""
    if is_sensitive(key):
        return True
    return (
        isinstance(key, str)
        and isinstance(kept, str)
        and bool(USER_NAME_KEYS.search(key))
    )


# --8<-- [end:masking]
# --- describing ---------------------------------------------------------------------


def describe_kwargs(sender, named):
    """Safe text for each keyword argument of a send."""
    return describe_kept_kwargs(
        sender, {key: keep(value) for key, value in named.items()}
    )


def describe_kept_kwargs(sender, kept_named):
    """Safe text for each keyword argument of a send, from what keep() kept of them."""
    described = {}
    for key, kept in kept_named.items():
        if key == "args" and type(kept) is tuple and kept:
            text = describe_row(sender, kept)
        elif key == "credentials" and type(kept) is dict:
            # Typed by someone logging in: the names of the fields only.
            text = "{" + ", ".join(f"{k!r}: {masked()}" for k in kept) + "}"
        elif is_masked_under(key, kept):
            text = masked()
        else:
            text = describe_kept(kept)
        described[key] = text
    # setting_changed carries the setting's name and value: mask the value
    # when the setting's name looks secret, as the error pages do.
    setting = kept_named.get("setting")
    if "value" in kept_named and isinstance(setting, str) and is_sensitive(setting):
        described["value"] = masked()
    return described


def describe_row(sender, values):
    """pre_init's positional values (a row read from the database), by field name.

    Named after their fields, so that masking applies: a User row holds the
    password hash. Without the model to name them, only their number is shown.
    """
    if not (isinstance(sender, type) and issubclass(sender, Model)):
        return f"({len(values)} values)"
    fields = [field.attname for field in sender._meta.concrete_fields]
    return describe_kept(dict(zip(fields, values, strict=False)))


def describe_kept(kept, _depth=0):
    """Short, safe text for what keep() kept. Never raises."""
    try:
        return _describe_kept(kept, _depth)
    except Exception as exc:  # a broken object must not break the panel
        return f"<not describable: {type(exc).__name__}>"


def _describe_kept(kept, _depth):
    kind = type(kept)
    if kept is MORE:
        return "..."
    if kind is Described:
        return str(kept)
    if kind is weakref.ReferenceType:
        value = kept()
        return GONE if value is None else describe(value, _depth)
    if kind is tuple and len(kept) == 4 and kept[0] is MODEL:
        _, reference, class_name, pk = kept
        instance = reference()
        if instance is not None:
            return describe_instance(instance, pk)
        # Gone since: its class name and the primary key it had then.
        return f"<{class_name} pk={short_text(pk)}>"
    if kind is dict:
        items = [
            "..."
            if key is MORE
            else f"{describe_kept(key, 2)}: "
            + (
                masked()
                if is_masked_under(key, item)
                else describe_kept(item, _depth + 1)
            )
            for key, item in kept.items()
        ]
        return cut("{" + ", ".join(items) + "}")
    if kind in (list, tuple, set, frozenset):
        items = list(kept)
        if kind in (set, frozenset):
            items.sort(key=_shown_order)
        shown = ", ".join(describe_kept(item, _depth + 1) for item in items)
        if kind is list:
            return cut(f"[{shown}]")
        if kind is tuple:
            return cut(f"({shown}{',' if len(kept) == 1 else ''})")
        return cut("{" + shown + "}" if kept else "set()")
    return describe(kept, _depth)


def _shown_order(item):
    # Numbers by value (pk_set {1, 2, 10}), then anything else by its text.
    number = type(item) in (int, float)
    return (item is MORE, not number, item if number else 0, repr(item))


def describe(value, _depth=0):
    """Short, safe text for a live value a signal carries."""
    # type() and issubclass(), never isinstance(): see keep().
    kind = type(value)
    if kind in PLAIN_TYPES or issubclass(kind, str):
        return short_text(value)
    if issubclass(kind, type):
        if issubclass(value, Model):
            return value._meta.label
        return f"{value.__module__}.{value.__qualname__}"
    if issubclass(kind, HttpRequest):
        return f"<{kind.__name__}: {value.method} {short_text(request_path(value))}>"
    if issubclass(kind, Model):
        return describe_instance(value, value.pk)
    if issubclass(kind, QuerySet):
        return f"<QuerySet of {value.model._meta.label}>"  # never evaluated
    if issubclass(kind, QueryDict):
        return f"<QueryDict keys={short_text(sorted(value))}>"
    if issubclass(kind, Template):  # template_rendered, in tests and with the toolbar
        return f"<Template: {short_text(value.name)}>"
    if kind in _task_result_types():
        # The task and its state; its arguments may be anything, an address too.
        return f"<TaskResult: {value.task.module_path} {value.status}>"
    if kind in CONTAINER_TYPES:
        return _describe_kept(keep_items(value, _depth), _depth)
    if kind in (FunctionType, BuiltinFunctionType, MethodType):
        return f"{value.__module__}.{value.__qualname__}"
    return f"<{kind.__module__}.{kind.__qualname__} object>"


def describe_instance(instance, pk):
    """<User: 'alice'> for a saved account, <Post pk=3> for any other instance.

    The user name comes from the instance's own fields, never from
    get_username(), which may query the database (a deferred field) or not
    exist; an unsaved user is shown by its primary key, since its name may
    name no account.
    """
    kind = type(instance)
    username_field = getattr(kind, "USERNAME_FIELD", None)
    if isinstance(username_field, str) and pk is not None:
        name = vars(instance).get(username_field)
        if isinstance(name, str) and not instance._state.adding:
            return f"<{kind.__name__}: {short_text(name)}>"
    if pk is not None and is_sensitive(kind._meta.pk.name):
        pk = masking().substitute  # a Session's primary key is the session key
    return f"<{kind.__name__} pk={short_text(pk)}>"


def request_path(request):
    """The path, with URL arguments that look secret masked (a password-reset token)."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    for key, value in match.kwargs.items() if match else ():
        if is_sensitive(key) and isinstance(value, str) and value:
            path = path.replace(value, masking().substitute)
    return path


def short_text(value):
    text = repr(value)
    if issubclass(type(value), str) and len(value) > SHOWN_CHARS:
        text = repr(value[: SHOWN_CHARS - 3])[:-1] + "...'"
    return cut(text)


def cut(text):
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 3] + "..."


_task_results = None


def _task_result_types():
    """TaskResult of django.tasks (Django 6.0+) and of the django-tasks backport."""
    global _task_results
    if _task_results is None:
        found = []
        for module in ("django.tasks", "django_tasks"):
            with contextlib.suppress(ImportError, AttributeError):
                found.append(importlib.import_module(module).TaskResult)
        _task_results = tuple(found)
    return _task_results
