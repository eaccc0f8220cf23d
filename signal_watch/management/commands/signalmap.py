"""python manage.py signalmap: every signal the project can reach, and who listens.

python manage.py signalmap                     # readable text
python manage.py signalmap --format json
python manage.py signalmap --format mermaid --app foo --app bar --app blog
python manage.py signalmap --include-empty     # also signals nobody listens to
"""

import importlib
import importlib.util
import inspect
import json
import re
import sys
import weakref
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Model

from signal_watch.naming import all_signals

# Django's own signal modules, imported so that their signals are listed even
# when nothing in this process has imported them yet.
DJANGO_SIGNAL_MODULES = [
    "django.core.signals",
    "django.db.backends.signals",
    "django.db.models.signals",
    "django.test.signals",
    "django.tasks.signals",  # Django 6.0+; on 5.2 the django-tasks app has them
]


@dataclass
class Connection:
    receiver: str  # dotted path of the function or method
    file: str
    line: int
    sender: str | None  # None: the receiver hears every sender
    sender_app: str | None
    dispatch_uid: str | None
    reference: str  # "weak" or "strong"
    is_async: bool
    app: str  # app (or top-level package) the receiver belongs to


@dataclass
class SignalInfo:
    signal: str  # dotted path
    name: str
    app: str  # app (or top-level package) that defines the signal
    receivers: list[Connection] = field(default_factory=list)


def app_of(module_name):
    config = apps.get_containing_app_config(module_name)
    return config.label if config else module_name.partition(".")[0]


def import_signal_modules():
    modules = list(DJANGO_SIGNAL_MODULES)
    modules += [f"{config.name}.signals" for config in apps.get_app_configs()]
    for name in modules:
        # find_spec first: a signals module that exists but fails to import
        # is a real error and must not be hidden.
        try:
            found = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            found = None
        if found is not None:
            importlib.import_module(name)


def display_path(filename):
    """The file, relative to the project or to the sys.path entry it was imported from."""
    path = Path(filename).resolve()
    roots = [Path(entry) for entry in sys.path if entry]
    # startproject's settings name the project's folder; other settings may not.
    if getattr(settings, "BASE_DIR", None):
        roots.append(Path(settings.BASE_DIR))
    roots = [root.resolve() for root in roots]
    roots = [root for root in roots if path.is_relative_to(root)]
    if not roots:
        return path.as_posix()
    # The closest root: site-packages wins over the project for an installed package.
    return path.relative_to(max(roots, key=lambda r: len(r.parts))).as_posix()


def describe_receiver(receiver):
    function = getattr(receiver, "__func__", receiver)  # bound method
    if not inspect.isfunction(inspect.unwrap(function)) and callable(function):
        function = type(function).__call__  # an object with __call__
    function = inspect.unwrap(function)
    module = getattr(function, "__module__", "?")
    qualname = getattr(function, "__qualname__", repr(function))
    code = getattr(function, "__code__", None)
    if code is None:
        return f"{module}.{qualname}", "?", 0, module
    return (
        f"{module}.{qualname}",
        display_path(code.co_filename),
        code.co_firstlineno,
        module,
    )


def describe_sender(sender):
    if isinstance(sender, type) and issubclass(sender, Model):
        return sender._meta.label, sender._meta.app_label
    if isinstance(sender, type):
        return f"{sender.__module__}.{sender.__qualname__}", app_of(sender.__module__)
    if isinstance(sender, str):
        return repr(sender), None
    return f"<{type(sender).__qualname__} object>", None


def known_senders():
    """Objects that may be a sender filter, by id(): models, app configs, classes."""
    candidates = {}
    for model in apps.get_models(include_auto_created=True):
        candidates[id(model)] = model
    for config in apps.get_app_configs():
        candidates[id(config)] = config
    for module in list(sys.modules.values()):
        try:
            namespace = vars(module)
        except TypeError:
            continue
        for value in list(namespace.values()):
            if type(value) is type or isinstance(type(value), type(Model)):
                candidates.setdefault(id(value), value)
    return candidates


def _make_id(target):
    # The key Django's dispatcher files a receiver under (dispatcher._make_id).
    if hasattr(target, "__func__"):
        return (id(target.__self__), id(target.__func__))
    return id(target)


def connections(signal, senders):
    found = []
    for entry in list(signal.receivers):
        # Django 5.x: (key, receiver, is_async);
        # Django 6.x: (key, receiver, sender_ref, is_async).
        (receiver_key, sender_key), ref, is_async = entry[0], entry[1], entry[-1]
        weak = isinstance(ref, weakref.ReferenceType)
        receiver = ref() if weak else ref
        if receiver is None:
            continue  # garbage-collected, about to be removed
        sender = None
        if sender_key != _make_id(None):
            if len(entry) == 4:
                sender = entry[2]() if isinstance(entry[2], weakref.ref) else entry[2]
            else:
                sender = senders.get(sender_key)
        path, file, line, module = describe_receiver(receiver)
        sender_text, sender_app = (None, None)
        if sender_key != _make_id(None):
            if sender is None:
                sender_text = f"<unknown object id {sender_key:#x}>"
            else:
                sender_text, sender_app = describe_sender(sender)
        found.append(
            Connection(
                receiver=path,
                file=file,
                line=line,
                sender=sender_text,
                sender_app=sender_app,
                dispatch_uid=None
                if receiver_key == _make_id(receiver)
                else str(receiver_key),
                reference="weak" if weak else "strong",
                is_async=bool(is_async),
                app=app_of(module),
            )
        )
    return found


def signal_map(include_empty=False, receiver_apps=None):
    import_signal_modules()
    senders = known_senders()
    result = []
    for signal, path in all_signals().items():
        module, _, name = path.rpartition(".")
        info = SignalInfo(signal=path, name=name, app=app_of(module))
        info.receivers = [
            connection
            for connection in connections(signal, senders)
            if not receiver_apps or connection.app in receiver_apps
        ]
        info.receivers.sort(key=lambda c: (c.receiver, c.sender or ""))
        if info.receivers or include_empty:
            result.append(info)
    result.sort(key=lambda info: info.signal)
    return result


def as_text(signals):
    lines = []
    for info in signals:
        count = len(info.receivers)
        lines.append(f"{info.signal}  ({count} receiver{'' if count == 1 else 's'})")
        for c in info.receivers:
            details = [
                f"{c.file}:{c.line}",
                f"sender={c.sender}" if c.sender else "any sender",
                f"dispatch_uid={c.dispatch_uid!r}" if c.dispatch_uid else None,
                f"{c.reference} reference",
                "async" if c.is_async else None,
            ]
            lines.append(f"    {c.receiver}")
            lines.append("        " + " | ".join(d for d in details if d))
    connected = sum(len(info.receivers) for info in signals)
    lines.append(
        f"{len(signals)} signal{'' if len(signals) == 1 else 's'}, "
        f"{connected} connected receiver{'' if connected == 1 else 's'}."
    )
    return "\n".join(lines)


def as_json(signals):
    return json.dumps({"signals": [asdict(info) for info in signals]}, indent=2)


def as_mermaid(signals, command):
    """A flowchart: sending app -> signal -> receiver."""

    def node(kind, text):
        return kind + "_" + re.sub(r"\W", "_", text)

    def label(text):
        return '"' + text.replace('"', "#quot;") + '"'

    lines = [
        "flowchart LR",
        f"    %% Generated by `{command}`. Do not edit: regenerate.",
    ]
    declared, edges = set(), []
    for info in signals:
        signal_id = node("signal", info.signal)
        lines.append(f"    {signal_id}([{label(info.name)}])")
        by_receiver = {}
        for c in info.receivers:
            by_receiver.setdefault(c.receiver, []).append(c)
            app = c.sender_app or info.app
            app_id = node("app", app)
            if app_id not in declared:
                declared.add(app_id)
                lines.append(f"    {app_id}[{label(app)}]")
            edge = f"    {app_id} --> {signal_id}"
            if edge not in edges:
                edges.append(edge)
        for receiver, conns in by_receiver.items():
            receiver_id = node("receiver", receiver)
            if receiver_id not in declared:
                declared.add(receiver_id)
                lines.append(f"    {receiver_id}[{label(receiver)}]")
            filters = sorted({c.sender.rpartition(".")[2] for c in conns if c.sender})
            arrow = f"-- {label(', '.join(filters))} -->" if filters else "-->"
            edges.append(f"    {signal_id} {arrow} {receiver_id}")
    return "\n".join(lines + edges)


class Command(BaseCommand):
    help = "List every signal the project can reach and the receivers connected to it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--format", choices=["text", "json", "mermaid"], default="text"
        )
        parser.add_argument(
            "--include-empty",
            action="store_true",
            help="Also list signals that have no receiver.",
        )
        parser.add_argument(
            "--app",
            action="append",
            dest="app_labels",
            metavar="LABEL",
            help="Only receivers defined in this app (repeat for several).",
        )

    def handle(self, *args, format, include_empty, app_labels, **options):
        known = {config.label for config in apps.get_app_configs()}
        unknown = sorted(set(app_labels or []) - known)
        if unknown:
            raise CommandError(f"Unknown app label(s): {', '.join(unknown)}")
        signals = signal_map(include_empty=include_empty, receiver_apps=app_labels)
        if format == "json":
            self.stdout.write(as_json(signals))
        elif format == "mermaid":
            command = "python manage.py signalmap --format mermaid" + "".join(
                f" --app {label}" for label in app_labels or []
            )
            self.stdout.write(as_mermaid(signals, command))
        else:
            self.stdout.write(as_text(signals))
