"""Tasks come from one place (tutorial_site/tasks_framework.py), right on both Djangos.

django.tasks on Django 6.0 and later, the django-tasks backport on 5.2: each test
here runs on both, through that module, except the ones that name a version.
"""

import logging
from contextlib import contextmanager

import django
import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from tests.signal_capture import capture_signal
from tutorial_site import tasks_framework
from tutorial_site.tasks_framework import (
    TaskResultStatus,
    task,
    task_backends,
    task_enqueued,
    task_finished,
    task_started,
)

SIGNALS = {
    "task_enqueued": task_enqueued,
    "task_started": task_started,
    "task_finished": task_finished,
}
DJANGO_6 = django.VERSION >= (6, 0)


@task()
def add(a, b):
    return a + b


@task()
def fail():
    raise ConnectionError("the mail server is down")


@contextmanager
def statuses_seen():
    """(signal name, the task's status when it was sent), in the order sent."""
    seen = []

    def note(signal, sender, task_result, **kwargs):
        name = next(name for name, s in SIGNALS.items() if s is signal)
        seen.append((name, task_result.status))

    for signal in SIGNALS.values():
        signal.connect(note, weak=False)
    try:
        yield seen
    finally:
        for signal in SIGNALS.values():
            signal.disconnect(note)


def test_the_framework_comes_from_django_from_6_0_and_from_the_backport_on_5_2():
    assert tasks_framework.BUILT_IN is DJANGO_6
    expected = "django.tasks" if DJANGO_6 else "django_tasks"
    assert expected == tasks_framework.PACKAGE
    package = tasks_framework.PACKAGE
    assert import_string(f"{package}.task") is task
    for name, signal in SIGNALS.items():
        assert import_string(f"{package}.signals.{name}") is signal
    # Only the backport is an app to install.
    assert ("django_tasks" in settings.INSTALLED_APPS) is not DJANGO_6


def test_the_configured_backend_is_the_frameworks_own():
    backend = task_backends["default"]
    assert type(backend).__module__ == f"{tasks_framework.PACKAGE}.backends.immediate"


def test_a_task_sends_enqueued_started_finished_with_the_backend_as_sender():
    with (
        capture_signal(task_enqueued) as enqueued,
        capture_signal(task_started) as started,
        capture_signal(task_finished) as finished,
        statuses_seen() as seen,
    ):
        result = add.enqueue(2, 3)

    assert seen == [
        ("task_enqueued", TaskResultStatus.READY),
        ("task_started", TaskResultStatus.RUNNING),
        ("task_finished", TaskResultStatus.SUCCESSFUL),
    ]
    for [call] in (enqueued, started, finished):
        assert call.sender is type(task_backends["default"])
        assert call.kwargs == {"task_result": result}
        assert call.kwargs["task_result"] is result
    assert result.return_value == 5


def test_a_failing_task_finishes_with_its_error_and_the_framework_logs_it():
    records = []
    handler = logging.Handler(level=logging.ERROR)
    handler.emit = records.append
    framework_logger = logging.getLogger(tasks_framework.LOGGER)
    framework_logger.addHandler(handler)
    try:
        with statuses_seen() as seen:
            result = fail.enqueue()
    finally:
        framework_logger.removeHandler(handler)

    assert seen[-1] == ("task_finished", TaskResultStatus.FAILED)
    [error] = result.errors
    assert error.exception_class_path == "builtins.ConnectionError"
    assert "the mail server is down" in error.traceback
    # The logger's name is the one that differs: "django.tasks" or "django_tasks".
    [record] = records
    assert record.name == tasks_framework.LOGGER
    assert record.exc_info[0] is ConnectionError
    assert result.id in record.getMessage()


def test_the_exceptions_have_one_name_whichever_the_framework():
    with pytest.raises(tasks_framework.InvalidTaskBackend):
        task_backends["no-such-backend"]

    def not_at_module_level():
        pass

    with pytest.raises(tasks_framework.InvalidTask, match="module level"):
        task()(not_at_module_level)


def test_the_toolbar_lists_the_task_signals_of_the_framework_in_use():
    extra = settings.DEBUG_TOOLBAR_CONFIG["EXTRA_SIGNALS"]
    assert [import_string(path) for path in tasks_framework.SIGNALS] == list(
        SIGNALS.values()
    )
    assert set(tasks_framework.SIGNALS) <= set(extra)


@pytest.mark.parametrize(
    "package",
    [
        pytest.param(
            "django.tasks",
            marks=pytest.mark.skipif(not DJANGO_6, reason="new in Django 6.0"),
        ),
        pytest.param(
            "django_tasks",
            marks=pytest.mark.skipif(DJANGO_6, reason="the backport, for Django 5.2"),
        ),
    ],
)
def test_the_framework_in_use_sends_its_own_task_signals(package):
    with (
        capture_signal(import_string(f"{package}.signals.task_enqueued")) as enqueued,
        capture_signal(import_string(f"{package}.signals.task_started")) as started,
        capture_signal(import_string(f"{package}.signals.task_finished")) as finished,
    ):
        add.enqueue(1, 1)
    assert len(enqueued) == len(started) == len(finished) == 1


@pytest.mark.django_db
def test_the_database_worker_sends_its_backend_instance_not_its_class(settings):
    # django-tasks-db 0.13's db_worker passes task.get_backend() (an instance) as
    # the sender of task_started and of a successful task_finished; backends, and
    # the worker for a failed task, send the backend's class. Filter on the sender
    # with care.
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    backend = task_backends["default"]
    with capture_signal(task_enqueued) as enqueued:
        succeeds, fails = add.enqueue(2, 3), fail.enqueue()
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with (
        capture_signal(task_started) as started,
        capture_signal(task_finished) as finished,
    ):
        for result in (succeeds, fails):
            worker.run_task(DBTaskResult.objects.get(id=result.id))

    assert [call.sender for call in enqueued] == [type(backend)] * 2
    assert [call.sender for call in started] == [backend] * 2
    assert [(call.sender, call.kwargs["task_result"].status) for call in finished] == [
        (backend, TaskResultStatus.SUCCESSFUL),
        (type(backend), TaskResultStatus.FAILED),  # the class again
    ]
