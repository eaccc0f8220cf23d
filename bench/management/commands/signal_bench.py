"""``manage.py signal_bench``: what signals cost on this machine.

Micro level: nanoseconds per Signal.send (median of repeats). Request level:
median milliseconds per comment post and per login through Django's test
client, against a throwaway database with a real db_worker process.
"""

import importlib.metadata
import json
import os
import platform
import time
from datetime import UTC, datetime

import django
from django.conf import settings
from django.core.management.base import BaseCommand

from bench.latency import run_latency
from bench.micro import (
    QUICK_RECORDER_PLAN,
    RECORDER_TARGETS,
    RecorderPlan,
    run_micro,
)
from tutorial_site import tasks_framework

# (micro repeats, seconds per micro timing, comment posts, logins, how the
# recorder is timed) per profile.
PROFILES = {
    "quick": (5, 0.02, 120, 3, QUICK_RECORDER_PLAN),
    "full": (15, 0.1, 240, 15, RecorderPlan(300, 1_000, 100_000, 5)),
}


def cpu_model():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine():
    return {
        "cpu": cpu_model(),
        "nproc": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        # The backport's version; Django 6.0 and later have the Tasks built in.
        "django_tasks": (
            "built in"
            if tasks_framework.BUILT_IN
            else importlib.metadata.version("django-tasks")
        ),
        "django_tasks_db": importlib.metadata.version("django-tasks-db"),
        "database": "SQLite (WAL, synchronous=NORMAL), throwaway file",
    }


# "Indistinguishable" needs a resolution: on the two-CPU machine of chapter 10,
# the same statement compiled and timed twice came out up to 2.5% apart (the
# "timed again" row shows this run's drift).
STOPPED_TOLERANCE = 0.03


def targets(recorder, requests):
    comment = {row["id"]: row for row in requests["comment"]}
    delay_ms = settings.NOTIFY_EMAIL_SECONDS * 1000
    baseline = comment["none"]["median_ms"]
    # Ratios are judged as reported, to two decimals: the run-to-run noise is
    # far larger than the third one.
    queue = round(comment["task_worker"]["ratio"], 2)
    enqueue = round(comment["task_enqueue_only"]["ratio"], 2)
    result = {
        # Against the no-receiver row measured with the worker running too.
        "queue_within_1_2x_of_no_receivers": {"ratio": queue, "met": queue <= 1.2},
        # The request's own share: enqueueing, before any worker exists.
        "enqueue_only_within_1_2x_of_no_receivers": {
            "ratio": enqueue,
            "met": enqueue <= 1.2,
        },
        # "The full delay shows": at least 90% of the sleep is added to the median.
        **{
            f"{mode}_shows_full_delay": {
                "added_ms": comment[mode]["median_ms"] - baseline,
                "met": comment[mode]["median_ms"] - baseline >= 0.9 * delay_ms,
            }
            for mode in ("sync", "on_commit")
        },
    }
    if recorder["status"] == "measured":
        for kind, ratios in recorder["ratios"].items():
            active = round(ratios["active_ratio"], 2)
            limit = RECORDER_TARGETS[kind]
            result[f"recorder_{kind}_active_at_most_{limit}x"] = {
                "ratio": active,
                "limit": limit,
                "met": active <= limit,
            }
            stopped = round(ratios["stopped_ratio"], 3)
            result[f"recorder_{kind}_stopped_indistinguishable"] = {
                "ratio": stopped,
                "tolerance": STOPPED_TOLERANCE,
                "met": abs(stopped - 1) <= STOPPED_TOLERANCE,
            }
    else:
        result["recorder"] = {"met": None, "note": recorder["note"]}
    return result


class Command(BaseCommand):
    help = "Measure what signals cost: Signal.send variants, then request latency."

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", help="Print one JSON document, only that."
        )
        parser.add_argument(
            "--quick", action="store_true", help="Fewer repeats (under a minute)."
        )
        parser.add_argument(
            "--output", metavar="PATH", help="Also write the JSON document to PATH."
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        profile = "quick" if options["quick"] else "full"
        repeats, min_seconds, comment_count, login_count, recorder_plan = PROFILES[
            profile
        ]
        self.progress(options, f"Signal.send, {repeats} repeats per case ...")
        micro, recorder = run_micro(
            repeats=repeats, min_seconds=min_seconds, recorder_plan=recorder_plan
        )
        floor = micro[0]["ns_per_op"]
        send_1 = next(case for case in micro if case["id"] == "send_1")["ns_per_op"]
        for case in micro:
            case["ratio_to_direct_call"] = case["ns_per_op"] / floor
            case["ratio_to_send_1"] = case["ns_per_op"] / send_1
        self.progress(options, "Requests (throwaway database, db_worker process) ...")
        requests = run_latency(comment_count=comment_count, login_count=login_count)
        report = {
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "profile": profile,
            "machine": machine(),
            "parameters": {
                "micro_repeats": repeats,
                "micro_seconds_per_timing": min_seconds,
                "recorder_plan": recorder_plan._asdict(),
                "comment_posts_per_scenario": comment_count,
                "logins_per_scenario": login_count,
                "slow_receiver_ms": settings.NOTIFY_EMAIL_SECONDS * 1000,
                "password_hasher": settings.PASSWORD_HASHERS[0],
            },
            "micro": micro,
            "recorder": recorder,
            "requests": requests,
            "targets": targets(recorder, requests),
        }
        report["elapsed_seconds"] = round(time.monotonic() - started, 1)
        document = json.dumps(report, indent=2)
        if options["output"]:
            with open(options["output"], "w") as output:
                output.write(document + "\n")
        if options["json"]:
            self.stdout.write(document)
        else:
            self.stdout.write(self.text_report(report))

    def progress(self, options, message):
        # Progress goes to stderr, so that --json output stays one document.
        if options["verbosity"] > 0:
            self.stderr.write(message)

    def text_report(self, report):
        lines = [f"{key}: {value}" for key, value in report["machine"].items()]
        lines += ["", f"{'Signal.send':60} {'ns/op':>10} {'x call':>8}"]
        lines += [
            f"{case['label']:60} {case['ns_per_op']:10.0f} "
            f"{case['ratio_to_direct_call']:8.1f}"
            for case in report["micro"]
        ]
        recorder = report["recorder"]
        if recorder["status"] == "measured":
            lines += [
                f"{case['label']:60} {case['ns_per_op']:10.0f}"
                for case in recorder["cases"]
            ]
        else:
            lines.append(recorder["note"])
        for kind in ("comment", "login"):
            lines += ["", f"{kind:60} {'median ms':>10} {'x none':>8}"]
            lines += [
                f"{row['label']:60} {row['median_ms']:10.2f} {row['ratio']:8.2f}"
                for row in report["requests"][kind]
            ]
        lines += ["", f"queue: {report['requests']['queue']}", "", "targets:"]
        lines += [f"  {name}: {value}" for name, value in report["targets"].items()]
        lines.append(f"\n{report['elapsed_seconds']} s")
        return "\n".join(lines)
