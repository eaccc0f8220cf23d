"""Django's Tasks framework, from wherever the installed Django has it.

Django 6.0 and later ship it as ``django.tasks``. On Django 5.2 the django-tasks
backport provides the same API as ``django_tasks``, an app to install. The two
differ in what a project may touch: the exceptions' names, the logger the
framework writes to, and the task signals, which are different objects (a
receiver connected to one never hears the other). Settings, notify and the tests
take all of these from here, so the choice is made once.

In your own project on Django 6.0 or later, import from ``django.tasks`` directly.
Nothing here reads settings: tutorial_site/settings.py imports this module.
"""

# --8<-- [start:choice]
from importlib.util import find_spec

BUILT_IN = find_spec("django.tasks") is not None

if BUILT_IN:  # Django 6.0 and later
    from django.tasks import TaskResultStatus, task, task_backends
    from django.tasks.exceptions import InvalidTask, InvalidTaskBackend
    from django.tasks.signals import task_enqueued, task_finished, task_started

    PACKAGE = "django.tasks"
    APPS = []
else:  # the django-tasks backport, on Django 5.2
    from django_tasks import TaskResultStatus, task, task_backends
    from django_tasks.exceptions import InvalidTaskBackendError as InvalidTaskBackend
    from django_tasks.exceptions import InvalidTaskError as InvalidTask
    from django_tasks.signals import task_enqueued, task_finished, task_started

    PACKAGE = "django_tasks"
    APPS = ["django_tasks"]

# The framework logs each task's start and end there, a failure at ERROR.
LOGGER = PACKAGE
IMMEDIATE_BACKEND = f"{PACKAGE}.backends.immediate.ImmediateBackend"
# Dotted paths of the three task signals, as debug-toolbar's EXTRA_SIGNALS wants.
SIGNALS = [
    f"{PACKAGE}.signals.{name}"
    for name in ("task_enqueued", "task_started", "task_finished")
]
# --8<-- [end:choice]

__all__ = [
    "APPS",
    "BUILT_IN",
    "IMMEDIATE_BACKEND",
    "LOGGER",
    "PACKAGE",
    "SIGNALS",
    "InvalidTask",
    "InvalidTaskBackend",
    "TaskResultStatus",
    "task",
    "task_backends",
    "task_enqueued",
    "task_finished",
    "task_started",
]
