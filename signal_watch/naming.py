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
