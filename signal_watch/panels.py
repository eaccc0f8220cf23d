"""A django-debug-toolbar panel that lists every signal sent during a request.

Self-contained on purpose: copy this file and its template
(templates/signal_watch/panels/signals_sent.html) into any project, then add
"<your_app>.panels.SignalsSentPanel" to DEBUG_TOOLBAR_PANELS.

How it works: while a recording is active, Signal.send, send_robust, asend
and asend_robust are replaced on the Signal class by thin wrappers. A wrapper
records a send only when the current thread or async task is the one that
started the recording (a ContextVar), so other requests served at the same
time by the threaded dev server are not mixed in. When the last recording
stops, the original methods are put back: with nothing recording, the
dispatcher is exactly Django's.

What is recorded never contains a raw value that could be a secret: keyword
arguments whose name looks sensitive are masked the way Django's error
reports mask settings, a request is shown as its method and path, a user as
its username, a model instance as its class and primary key. Arbitrary
objects are shown by their type only, because their repr() could run a
database query or reveal something private.
"""

import functools
import re
import reprlib
import sys
import threading
import weakref
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from time import perf_counter

from debug_toolbar.panels import Panel
from django.db.models import Model, QuerySet
from django.dispatch import Signal
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.debug import get_default_exception_reporter_filter

# The recorder of the current thread or async task, if any. Threads start with
# an empty context, so a recording never sees another thread's sends.
_current_recorder = ContextVar("signal_watch_recorder", default=None)

SEND_METHODS = ("send", "send_robust", "asend", "asend_robust")
_UNSET = object()
_patch_lock = threading.Lock()
_active_recorders = 0
_originals = {}  # method name -> Django's function, while patched


# The wrappers do as little as possible while a request runs: they keep
# references to what was sent and time the send. Turning that into safe text
# waits until the records are read. Two exceptions, noted at send time because
# they change right after: the primary key of a model instance (saving a new
# instance sets it) and pre_init's kwargs (Model.__init__ empties that dict).
def _snapshot(named):
    instance = named.get("instance")
    kwargs = named.get("kwargs")
    return (
        instance.pk if isinstance(instance, Model) else _UNSET,
        dict(kwargs) if isinstance(kwargs, dict) else _UNSET,
    )


# isinstance() against Model goes through its metaclass, slowly; a send asks
# about the same few classes again and again, so the answer is remembered.
_model_classes = {}  # memo: class -> is it a model class


def _is_model_class_of(cls):
    found = issubclass(cls, Model)
    if len(_model_classes) < 1000:
        _model_classes[cls] = found
    return found


# --8<-- [start:wrapper]
def _sync_wrapper(method, original):
    # Bound once, as locals: each lookup saved is saved on every send.
    current, clock, model_classes = _current_recorder.get, perf_counter, _model_classes

    @functools.wraps(original)
    def wrapper(self, sender, **named):
        recorder = current()
        if recorder is None:
            return original(self, sender, **named)
        snapshot = None
        if "instance" in named or "kwargs" in named:
            cls = type(named.get("instance"))
            is_model = model_classes.get(cls)
            if is_model is None:
                is_model = _is_model_class_of(cls)
            if is_model or "kwargs" in named:
                snapshot = _snapshot(named)
        start = clock()
        try:
            responses = original(self, sender, **named)
        except BaseException as exc:
            recorder._raw.append(
                (
                    self,
                    sender,
                    named,
                    method,
                    snapshot,
                    start,
                    clock(),
                    None,
                    type(exc).__name__,
                )
            )
            raise
        # Appended when the send ends; records are put back in the order
        # sends started when they are read.
        recorder._raw.append(
            (self, sender, named, method, snapshot, start, clock(), responses, None)
        )
        return responses

    wrapper._signal_watch = True
    return wrapper


# --8<-- [end:wrapper]


def _async_wrapper(method, original):
    current, clock, model_classes = _current_recorder.get, perf_counter, _model_classes

    @functools.wraps(original)
    async def wrapper(self, sender, **named):
        recorder = current()
        if recorder is None:
            return await original(self, sender, **named)
        snapshot = None
        if "instance" in named or "kwargs" in named:
            cls = type(named.get("instance"))
            is_model = model_classes.get(cls)
            if is_model is None:
                is_model = _is_model_class_of(cls)
            if is_model or "kwargs" in named:
                snapshot = _snapshot(named)
        start = clock()
        try:
            responses = await original(self, sender, **named)
        except BaseException as exc:
            recorder._raw.append(
                (
                    self,
                    sender,
                    named,
                    method,
                    snapshot,
                    start,
                    clock(),
                    None,
                    type(exc).__name__,
                )
            )
            raise
        recorder._raw.append(
            (self, sender, named, method, snapshot, start, clock(), responses, None)
        )
        return responses

    wrapper._signal_watch = True
    return wrapper


def _patch_dispatcher():
    for method in SEND_METHODS:
        original = Signal.__dict__[method]
        _originals[method] = original
        make = _async_wrapper if method.startswith("a") else _sync_wrapper
        setattr(Signal, method, make(method, original))


def _restore_dispatcher():
    for method, original in _originals.items():
        # Put Django's method back unless someone else has replaced ours since.
        if getattr(Signal.__dict__.get(method), "_signal_watch", False):
            setattr(Signal, method, original)
    _originals.clear()


@dataclass
class SignalSend:
    """One recorded send, with only short, safe text representations."""

    order: int
    signal: str  # dotted path, e.g. "django.db.models.signals.post_save"
    name: str  # last part of the path, e.g. "post_save"
    sender: str
    kwargs: dict
    receivers: int | None  # None when a receiver raised out of send()/asend()
    errors: int  # receivers that raised inside send_robust()/asend_robust()
    duration_ms: float
    method: str  # "send", "send_robust", "asend" or "asend_robust"
    depth: int  # 0, or 1+ for a send made by a receiver of another send
    raised: str | None  # exception class that came out of the send, if any

    def as_dict(self):
        return asdict(self)


class SignalRecorder:
    """Record the signals sent by the current thread or task between start() and stop().

    start() and stop() are idempotent. Several recorders may run at once in
    different threads: the dispatcher is instrumented while at least one is
    recording, and restored when the last one stops.
    """

    def __init__(self):
        self._raw = []
        self._token = None
        self.active = False

    # --8<-- [start:start-stop]
    def start(self):
        global _active_recorders
        if self.active:
            return
        with _patch_lock:
            if _active_recorders == 0:
                _patch_dispatcher()
            _active_recorders += 1
        self._token = _current_recorder.set(self)
        self.active = True

    def stop(self):
        global _active_recorders
        if not self.active:
            return
        self.active = False
        try:
            _current_recorder.reset(self._token)
        except ValueError:  # stopped from another context than it started in
            if _current_recorder.get() is self:
                _current_recorder.set(None)
        self._token = None
        with _patch_lock:
            _active_recorders -= 1
            if _active_recorders == 0:
                _restore_dispatcher()

    # --8<-- [end:start-stop]

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def clear(self):
        self._raw.clear()

    @property
    def records(self):
        """The sends recorded so far, as SignalSend, in the order they started."""
        names = SignalNames()
        records = []
        # Nesting is read from the times: a send that started before this one
        # and had not ended when it started is a send this one happened inside.
        running_ends = []
        # A send is kept when it ends, so one made inside another is kept
        # first: sort by start (and, for equal starts, the longer one first).
        # A send still running (records read from inside a receiver) is absent.
        entries = sorted(self._raw, key=lambda entry: (entry[5], -entry[6]))
        for order, entry in enumerate(entries, start=1):
            signal, sender, named, method, snapshot, start, end, responses, raised = (
                entry
            )
            while running_ends and running_ends[-1] <= start:
                running_ends.pop()
            depth = len(running_ends)
            running_ends.append(end)
            path = names.path(signal)
            errors = 0
            if responses is not None and method.endswith("robust"):
                errors = sum(isinstance(r, Exception) for _, r in responses)
            records.append(
                SignalSend(
                    order=order,
                    signal=path,
                    name=path.rpartition(".")[2],
                    sender=describe_sender(sender),
                    kwargs=describe_kwargs(sender, named, snapshot),
                    receivers=None if responses is None else len(responses),
                    errors=errors,
                    duration_ms=(end - start) * 1000,
                    method=method,
                    depth=depth,
                    raised=raised,
                )
            )
        return records


_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60
MAX_REPR = 120


@dataclass(frozen=True)
class _Masking:
    hidden: re.Pattern
    substitute: str


_masking = None
_sensitive_keys = {}  # memo: key -> bool


# Besides what Django's error reports hide, never show session or CSRF data.
EXTRA_HIDDEN = "SESSION|CSRF|COOKIE"


def _mask():
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
        found = isinstance(key, str) and bool(_mask().hidden.search(key))
        if len(_sensitive_keys) < 1000:
            _sensitive_keys[key] = found
        return found


# --8<-- [start:describe-kwargs]
def describe_kwargs(sender, named, snapshot=None):
    """Safe text for each keyword argument of a send.

    snapshot: (instance's primary key, copy of "kwargs") taken at send time.
    """
    instance_pk = _UNSET
    if snapshot is not None:
        instance_pk, kwargs = snapshot
        if kwargs is not _UNSET:
            named = {**named, "kwargs": kwargs}
    args = named.get("args")
    # pre_init: the positional values of Model(...), e.g. a row read from the
    # database. Name them after their fields so that masking applies (a User
    # row holds the password hash).
    if args and isinstance(args, tuple) and _is_model_class(sender):
        fields = [field.attname for field in sender._meta.concrete_fields]
        named = {**named, "args": dict(zip(fields, args, strict=False))}
    masking = _masking or _mask()
    described = {}
    for key, value in named.items():
        sensitive = _sensitive_keys.get(key)
        if sensitive is None:
            sensitive = is_sensitive(key)
        if sensitive:
            described[key] = repr(masking.substitute)
        elif key == "instance" and isinstance(value, Model):
            described[key] = describe(value, pk=instance_pk)
        elif type(value) in _PLAIN:
            described[key] = repr(value)
        else:
            described[key] = describe(value)
    # setting_changed carries the setting's name and value: mask the value
    # when the setting's name looks secret, as the error pages do.
    if "setting" in named:
        setting = named["setting"]
        if "value" in named and isinstance(setting, str) and is_sensitive(setting):
            described["value"] = repr(masking.substitute)
    return described


# --8<-- [end:describe-kwargs]

_PLAIN = {type(None), bool, int, float}


def _is_model_class(value):
    return isinstance(value, type) and issubclass(value, Model)


_sender_texts = {}  # memo: sender -> text, for hashable senders such as classes


def describe_sender(sender):
    try:
        return _sender_texts[sender]
    except KeyError:
        text = describe(sender)
        if isinstance(sender, type) and len(_sender_texts) < 1000:
            _sender_texts[sender] = text
        return text
    except TypeError:  # unhashable
        return describe(sender)


def describe(value, _depth=0, pk=_UNSET):
    """A short, safe text for any value a signal may carry."""
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    if isinstance(value, (str, bytes)):
        return _short.repr(value)
    if isinstance(value, type):
        if issubclass(value, Model):
            return value._meta.label
        return f"{value.__module__}.{value.__qualname__}"
    if isinstance(value, HttpRequest):
        # The path only: no query string, cookies, session or META.
        return f"<{type(value).__name__}: {value.method} {_short.repr(value.path)}>"
    if isinstance(value, Model):
        if hasattr(value, "get_username"):
            return f"<{type(value).__name__}: {_short.repr(value.get_username())}>"
        if pk is _UNSET:
            pk = value.pk
        if pk is not None and is_sensitive(value._meta.pk.name):
            pk = _mask().substitute  # a Session's primary key is the session key
        return f"<{type(value).__name__} pk={_short.repr(pk)}>"
    if isinstance(value, QuerySet):
        return f"<QuerySet of {value.model._meta.label}>"  # never evaluated
    if isinstance(value, QueryDict):
        return f"<QueryDict keys={_short.repr(sorted(value))}>"
    if _depth < 2 and isinstance(value, dict):
        items = [
            f"{describe(key, 2)}: "
            + (
                repr(_mask().substitute)
                if is_sensitive(key)
                else describe(item, _depth + 1)
            )
            for key, item in list(value.items())[:10]
        ]
        more = ", ..." if len(value) > 10 else ""
        return _cut("{" + ", ".join(items) + more + "}")
    if _depth < 2 and isinstance(value, (list, tuple, set, frozenset)):
        items = (
            sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        )
        shown = [describe(item, _depth + 1) for item in list(items)[:10]]
        more = ", ..." if len(value) > 10 else ""
        text = ", ".join(shown) + more
        if isinstance(value, list):
            return _cut(f"[{text}]")
        if isinstance(value, tuple):
            return _cut(f"({text}{',' if len(value) == 1 else ''})")
        return _cut("{" + text + "}" if value else "set()")
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '?')}.{value.__qualname__}"
    return f"<{type(value).__module__}.{type(value).__qualname__} object>"


def _cut(text):
    return text if len(text) <= MAX_REPR else text[: MAX_REPR - 3] + "..."


class SignalNames:
    """Dotted paths of the Signal objects defined at module level.

    A signal is imported into many modules (post_save is in blog.signals too);
    its path is the module that assigns it, found by reading the source.
    """

    _cache = weakref.WeakKeyDictionary()
    _modules_seen = 0

    def path(self, signal):
        try:
            return self._cache[signal]
        except KeyError:
            if len(sys.modules) != SignalNames._modules_seen:
                self.refresh()
            return self._cache.get(signal, f"<unnamed Signal at {id(signal):#x}>")

    @classmethod
    def refresh(cls):
        cls._modules_seen = len(sys.modules)
        for signal, path in all_signals().items():
            cls._cache[signal] = path


def all_signals():
    """Every Signal assigned at module level in an imported module: {signal: path}."""
    candidates = {}
    for module_name, module in list(sys.modules.items()):
        try:
            namespace = vars(module)
        except TypeError:
            continue
        for attr, value in list(namespace.items()):
            # type(), not isinstance(): isinstance() would wake lazy objects up.
            if issubclass(type(value), Signal):
                candidates.setdefault(value, []).append((module_name, attr))
    return {signal: _best_path(found) for signal, found in candidates.items()}


_ASSIGNMENT = "^{}\\s*(?::[^=\\n]*)?=(?!=)"


def _best_path(found):
    def defines(module_name, attr):
        source = _source_of(module_name)
        return bool(source and re.search(_ASSIGNMENT.format(attr), source, re.M))

    found.sort(key=lambda item: (not defines(*item), len(item[0]), item))
    return "{}.{}".format(*found[0])


_sources = {}


def _source_of(module_name):
    if module_name not in _sources:
        path = getattr(sys.modules.get(module_name), "__file__", None)
        try:
            with open(path, encoding="utf-8") as source:
                _sources[module_name] = source.read()
        except (OSError, TypeError, ValueError):
            _sources[module_name] = ""
    return _sources[module_name]


# --8<-- [start:panel]
class SignalsSentPanel(Panel):
    """The signals sent while the toolbar handled the request, in order."""

    title = _("Signals sent")
    template = "signal_watch/panels/signals_sent.html"
    is_async = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.recorder = SignalRecorder()

    @property
    def nav_subtitle(self):
        count = len(self.get_stats().get("sends", []))
        return ngettext("%(count)d signal sent", "%(count)d signals sent", count) % {
            "count": count
        }

    # The toolbar calls these around each request it handles, in that
    # request's thread or task, and disable_instrumentation() even when the
    # view raised.
    def enable_instrumentation(self):
        self.recorder.start()

    def disable_instrumentation(self):
        self.recorder.stop()

    def generate_stats(self, request, response):
        sends = [record.as_dict() for record in self.recorder.records]
        self.record_stats(
            {
                "sends": sends,
                "total_ms": sum(s["duration_ms"] for s in sends if s["depth"] == 0),
            }
        )


# --8<-- [end:panel]
