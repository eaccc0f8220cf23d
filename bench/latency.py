"""Request-level benchmark: median latency of a comment post and of a login.

Requests go through Django's test client, the whole stack but the network,
against a throwaway database (bench.throwaway), with DEBUG off as in production.
"""

import contextlib
import logging
import os
import statistics
import time
import weakref

from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.core import signals as core_signals
from django.db.models import signals as model_signals
from django.dispatch import Signal
from django.test import Client, override_settings

from blog.models import Post
from foo.signals import user_login

from .throwaway import start_worker, stop_worker, throwaway_database

PROJECT_APPS = ("foo", "bar", "blog", "notify")
PASSWORD = "bench-password-not-secret"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# (id, label, apps whose receivers are muted, settings overridden)
NONE = ("none", "no receivers connected", PROJECT_APPS, {})
TUTORIAL = ("tutorial", "all tutorial receivers", ("notify",), {})
SYNC = {"NOTIFY_DELIVERY": "sync"}
ON_COMMIT = {"NOTIFY_DELIVERY": "on_commit"}
IMMEDIATE_TASK = {"NOTIFY_DELIVERY": "task"}
DATABASE_TASK = {"NOTIFY_DELIVERY": "task", "TASKS": DATABASE_TASKS}

# Phase 1: no worker process exists.
COMMENT_SCENARIOS = [
    NONE,
    TUTORIAL,
    ("sync", "+ slow receiver, synchronous", (), SYNC),
    ("on_commit", "+ slow receiver, on_commit", (), ON_COMMIT),
    ("task_immediate", "+ slow receiver, task, immediate backend", (), IMMEDIATE_TASK),
    (
        "task_enqueue_only",
        "+ slow receiver, task, database backend, no worker yet",
        (),
        DATABASE_TASK,
    ),
]
LOGIN_SCENARIOS = [
    NONE,
    TUTORIAL,
    ("sync", "+ slow sign-in alert, synchronous", (), SYNC),
]
# Phase 2: a db_worker process runs the queued tasks, on the same two CPUs and
# the same SQLite file; its own baseline rows are measured alongside.
COMMENT_WORKER_SCENARIOS = [
    ("none_worker", "no receivers connected, worker running", PROJECT_APPS, {}),
    ("tutorial_worker", "all tutorial receivers, worker running", ("notify",), {}),
    (
        "task_worker",
        "+ slow receiver, task, database backend + worker",
        (),
        DATABASE_TASK,
    ),
]
LOGIN_WORKER_SCENARIOS = [
    COMMENT_WORKER_SCENARIOS[0],
    COMMENT_WORKER_SCENARIOS[1],
    (
        "task_worker",
        "+ slow sign-in alert, task, database backend + worker",
        (),
        DATABASE_TASK,
    ),
]


def project_signals():
    modules = (model_signals, core_signals, auth_signals)
    found = {v for m in modules for v in vars(m).values() if isinstance(v, Signal)}
    return [*found, user_login]


def receiver_app(entry):
    # entry is Signal.receivers' (lookup key, receiver or weak reference, ...).
    receiver = entry[1]
    if isinstance(receiver, weakref.ReferenceType):
        receiver = receiver()
    return getattr(receiver, "__module__", "").partition(".")[0]


@contextlib.contextmanager
def muted_receivers(apps):
    """Disconnect, for the block, every receiver defined in one of ``apps``.

    Signal has no public "disconnect all"; like factory_boy's mute_signals,
    this swaps the receivers list and clears the per-sender cache.
    """
    saved = {}
    for signal in project_signals():
        saved[signal] = signal.receivers
        signal.receivers = [r for r in signal.receivers if receiver_app(r) not in apps]
        signal.sender_receivers_cache.clear()
    try:
        yield
    finally:
        for signal, receivers in saved.items():
            signal.receivers = receivers
            signal.sender_receivers_cache.clear()


@contextlib.contextmanager
def quiet_receiver_logs():
    """Receivers still format their log lines, but to /dev/null, not stdout.

    Every app's logger reaches the root logger, whose handler prints them.
    """
    handlers = {
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler, logging.StreamHandler)
    }
    with open(os.devnull, "w") as devnull:
        saved = [(handler, handler.setStream(devnull)) for handler in handlers]
        try:
            yield
        finally:
            for handler, stream in saved:
                handler.setStream(stream)


def timed(send, *, count):
    """Milliseconds per request, for ``count`` requests (each must redirect)."""
    samples = []
    for _ in range(count):
        start = time.perf_counter_ns()
        response = send()
        elapsed = time.perf_counter_ns() - start
        if response.status_code != 302:
            raise RuntimeError(f"Expected a redirect, got {response.status_code}")
        samples.append(elapsed / 1e6)
    return samples


def summarise(scenario_id, label, samples):
    ordered = sorted(samples)
    return {
        "id": scenario_id,
        "label": label,
        "median_ms": statistics.median(samples),
        "p90_ms": ordered[int(0.9 * (len(ordered) - 1))],
        "min_ms": ordered[0],
        "n": len(samples),
    }


def add_ratios(rows):
    """Each median against no receivers at all, and against the tutorial's own,
    both measured in the same phase (rows[0] and rows[1])."""
    none, tutorial = rows[0]["median_ms"], rows[1]["median_ms"]
    for row in rows:
        row["ratio"] = row["median_ms"] / none
        row["ratio_to_tutorial"] = row["median_ms"] / tutorial
    return rows


def wait_for_queue(timeout):
    """Seconds until the worker has finished every task, or None on timeout."""
    from django_tasks_db.models import DBTaskResult

    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if not DBTaskResult.objects.exclude(
            status__in=["SUCCESSFUL", "FAILED"]
        ).exists():
            return time.monotonic() - start
        time.sleep(0.02)
    return None


def queue_figures(drain_seconds):
    from django_tasks_db.models import DBTaskResult

    statuses = list(DBTaskResult.objects.values_list("status", flat=True))
    return {
        "enqueued": len(statuses),
        "successful": statuses.count("SUCCESSFUL"),
        "failed": statuses.count("FAILED"),
        "drain_seconds_after_last_request": drain_seconds,
    }


# Rows whose request waits for the 50 ms receiver: their spread is small next
# to the delay they show, so fewer requests measure them well.
WAITING_SCENARIOS = {"sync", "on_commit", "task_immediate"}


def measure_scenarios(scenarios, send, *, count, rounds, waiting_count=None):
    """``count`` requests per scenario (``waiting_count`` for those that wait
    for the slow receiver), spread over ``rounds`` passes through all of them,
    so that a slow moment of a shared machine does not hit just one."""
    for _, _, muted, overrides in scenarios:  # warm up every code path once
        with muted_receivers(muted), override_settings(**overrides):
            timed(send, count=1)
    samples = {scenario[0]: [] for scenario in scenarios}
    for round_number in range(rounds):
        for scenario_id, _, muted, overrides in scenarios:
            total = count
            if scenario_id in WAITING_SCENARIOS and waiting_count:
                total = waiting_count
            share = total // rounds + (round_number < total % rounds)
            with muted_receivers(muted), override_settings(**overrides):
                samples[scenario_id] += timed(send, count=share)
    return add_ratios(
        [summarise(s_id, label, samples[s_id]) for s_id, label, _, _ in scenarios]
    )


def run_latency(*, comment_count, login_count, rounds=10):
    """Comment and login scenarios, with a worker for the queued ones."""
    User = get_user_model()
    with (
        # First, so that receivers of the migration signals stay quiet too.
        quiet_receiver_logs(),
        throwaway_database() as database_path,
        override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]),
    ):
        author = User.objects.create_user("bench-author", password=PASSWORD)
        reader = User.objects.create_user("bench-reader", password=PASSWORD)
        post = Post.objects.create(title="Benchmark post", body="x", author=author)
        comment_url = f"{post.get_absolute_url()}comments/"
        commenter = Client()
        commenter.force_login(reader)
        visitor = Client()

        def post_comment():
            return commenter.post(comment_url, {"body": "A comment to measure."})

        def log_in():
            return visitor.post(
                "/accounts/login/", {"username": "bench-reader", "password": PASSWORD}
            )

        def phase(comment_scenarios, login_scenarios):
            return (
                measure_scenarios(
                    comment_scenarios,
                    post_comment,
                    count=comment_count,
                    rounds=rounds,
                    # The time saved on 50 ms requests buys more of the ~5 ms
                    # ones, whose ratios to each other are the close calls.
                    waiting_count=max(1, comment_count // 4),
                ),
                measure_scenarios(
                    login_scenarios, log_in, count=login_count, rounds=rounds
                ),
            )

        comments, logins = phase(COMMENT_SCENARIOS, LOGIN_SCENARIOS)
        worker = start_worker(database_path)
        try:
            # Phase 1's queued tasks first, so that they do not weigh on phase 2.
            wait_for_queue(timeout=60)
            comments_w, logins_w = phase(
                COMMENT_WORKER_SCENARIOS, LOGIN_WORKER_SCENARIOS
            )
            queue = queue_figures(wait_for_queue(timeout=60))
        finally:
            stop_worker(worker)
    return {
        "comment": comments + comments_w,
        "login": logins + logins_w,
        "queue": queue,
    }
