"""Dotted paths for Signal objects: "django.db.models.signals.post_save".

A Signal does not know its own name. It is found among the modules already
imported: a signal is imported into many of them (post_save is in blog.signals
too), and its path is the module that assigns it, read from the source.
"""

import re
import sys
import weakref

from django.dispatch import Signal


class SignalNames:
    """Paths of the module-level signals, remembered without keeping them alive."""

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
    """Every Signal assigned at module level in an imported module: {signal: path}.

    Also those assigned in the body of a class defined at module level, such
    as debug-toolbar's DebugToolbar._created.
    """
    candidates = {}
    for module_name, module in list(sys.modules.items()):
        try:
            namespace = vars(module)
        except TypeError:
            continue
        for attr, value in list(namespace.items()):
            # type(), not isinstance(): isinstance() would wake lazy objects up.
            kind = type(value)
            if issubclass(kind, Signal):
                candidates.setdefault(value, []).append((module_name, attr))
            elif (
                issubclass(kind, type)
                and value.__dict__.get("__module__") == module_name
            ):
                for name, member in list(vars(value).items()):
                    if issubclass(type(member), Signal):
                        found = (module_name, f"{attr}.{name}")
                        candidates.setdefault(member, []).append(found)
    return {signal: _best_path(found) for signal, found in candidates.items()}


# `name = ...` at the start of a line, or indented for a class attribute.
_ASSIGNMENT = "^\\s*{}\\s*(?::[^=\\n]*)?=(?!=)"


def _best_path(found):
    def defines(module_name, attr):
        source = _source_of(module_name)
        name = re.escape(attr.rpartition(".")[2])
        return bool(source and re.search(_ASSIGNMENT.format(name), source, re.M))

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
