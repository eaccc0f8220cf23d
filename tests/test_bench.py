"""signal_bench's parts, fast: the timers, the receiver muting and the rendering.

The real benchmark takes half a minute (`make bench-docs`); the last test runs
the whole command with the smallest counts.
"""

import io
import json
import xml.etree.ElementTree as ET

import django
import pytest
from django.core.management import call_command
from django.db.models.signals import post_save

from bench import micro, render
from bench.latency import add_ratios, muted_receivers, receiver_app
from bench.management.commands.signal_bench import PROFILES, targets

MICRO_IDS = [
    "direct_call",
    "send_0",
    "send_1",
    "send_10",
    "send_100",
    "send_filtered",
    "send_filtered_cached",
    "send_robust_1",
    "send_async_receiver_1",
    "asend_sync_receiver_1",
    "asend_async_receiver_1",
]


def test_every_micro_case_is_timed_and_receivers_really_run(monkeypatch):
    monkeypatch.setattr(micro, "SignalRecorder", None)
    calls = []

    def counting_receiver():
        def receiver(signal, sender, **kwargs):
            calls.append(sender)

        return receiver

    monkeypatch.setattr(micro, "make_receiver", counting_receiver)
    cases, recorder = micro.run_micro(repeats=2, min_seconds=0.001)

    assert [case["id"] for case in cases] == MICRO_IDS
    assert all(case["ns_per_op"] > 0 and case["repeats"] == 2 for case in cases)
    # The sender-filtered send reached the one receiver connected for its sender.
    assert "Sender0" in {sender.__name__ for sender in calls}
    assert recorder["status"] == "todo"
    assert "signal_watch" in recorder["note"]


def test_the_recorder_is_started_and_stopped_around_its_timings(monkeypatch):
    events = []

    class FakeRecorder:
        def start(self):
            events.append("start")

        def stop(self):
            events.append("stop")

    monkeypatch.setattr(micro, "SignalRecorder", FakeRecorder)
    plan = micro.RecorderPlan(
        rounds=3, recording_sends=10, long_recording_sends=50, long_repeats=2
    )
    _, recorder = micro.run_micro(repeats=2, min_seconds=0.001, recorder_plan=plan)

    assert recorder["status"] == "measured"
    kinds = ["send_0", "send_1", "model"]
    assert [case["id"] for case in recorder["cases"]] == [
        f"recorder_{kind}_{state}"
        for kind in kinds
        for state in ("none", "none_again", "active", "stopped")
    ] + ["recorder_send_1_active_long"]
    assert [case["repeats"] for case in recorder["cases"]] == [3] * 12 + [2]
    assert list(recorder["ratios"]) == kinds
    # Once before measuring ("stopped"), then around each of the 3 x 3 + 2 recordings.
    assert events == ["start", "stop"] * (1 + 3 * 3 + 2)
    assert recorder["recording_sends"] == 10
    assert recorder["long_recording_sends"] == 50
    # The parts of a recorded send, timed alone, and what the target leaves.
    assert [part["id"] for part in recorder["parts"]] == list(micro.RECORDER_PARTS)
    assert all(part["ns_per_op"] > 0 for part in recorder["parts"])
    assert recorder["send_1_parts_ns"] == sum(p["ns_per_op"] for p in recorder["parts"])
    send_1_none = next(
        case for case in recorder["cases"] if case["id"] == "recorder_send_1_none"
    )
    assert recorder["send_1_budget_ns"] == pytest.approx(0.2 * send_1_none["ns_per_op"])


def test_the_recorder_is_timed_on_what_its_rows_name():
    # A recording of each kind holds what its label says it times.
    plan = micro.RecorderPlan(
        rounds=1, recording_sends=4, long_recording_sends=4, long_repeats=1
    )
    recorded = []
    real = micro.SignalRecorder

    class Keeping(real):
        def clear(self):
            recorded.append([(r.name, r.receivers, r.count) for r in self.records])
            super().clear()

    micro.SignalRecorder = Keeping
    try:
        micro.run_recorder(micro.micro_cases()[1], plan)
    finally:
        micro.SignalRecorder = real
    send_0, send_1, model = recorded[:3]
    # Sends that call no receiver are counted per signal and sender.
    assert [(receivers, count) for _, receivers, count in send_0] == [(0, 4)]
    assert [(receivers, count) for _, receivers, count in send_1] == [(1, 1)] * 4
    assert model == [("pre_init", 0, 4), ("post_init", 0, 4)]


def test_recorder_targets_read_the_measured_ratios():
    ratios = {"active_ratio": 1.504, "stopped_ratio": 1.0312}
    recorder = {
        "status": "measured",
        "ratios": {
            "send_0": ratios,
            "send_1": {**ratios, "active_ratio": 1.196},
            "model": {**ratios, "active_ratio": 1.306, "stopped_ratio": 0.975},
        },
    }
    requests = fake_report()["requests"]
    result = targets(recorder, requests)
    assert result["recorder_send_0_active_at_most_1.5x"] == {
        "ratio": 1.5,
        "limit": 1.5,
        "met": True,
    }
    assert result["recorder_send_1_active_at_most_1.2x"]["met"] is True
    assert result["recorder_model_active_at_most_1.3x"] == {
        "ratio": 1.31,
        "limit": 1.3,
        "met": False,
    }
    assert result["recorder_send_0_stopped_indistinguishable"] == {
        "ratio": 1.031,
        "tolerance": 0.03,
        "met": False,
    }
    assert result["recorder_model_stopped_indistinguishable"]["met"] is True


def test_muting_removes_only_the_named_apps_receivers_and_restores_them():
    def apps():
        return {receiver_app(entry) for entry in post_save.receivers}

    before = list(post_save.receivers)
    assert {"blog", "notify"} <= apps()
    with muted_receivers(("blog",)):
        assert "blog" not in apps()
        assert "notify" in apps()
    assert post_save.receivers == before


def fake_report():
    def rows(*pairs):
        return add_ratios(
            [
                {
                    "id": i,
                    "label": i,
                    "median_ms": ms,
                    "p90_ms": ms,
                    "min_ms": ms,
                    "n": 3,
                }
                for i, ms in pairs
            ]
        )

    comment = rows(
        ("none", 5.0),
        ("tutorial", 5.5),
        ("sync", 60.0),
        ("on_commit", 61.0),
        ("task_immediate", 60.5),
        ("task_enqueue_only", 6.5),
    ) + rows(("none_worker", 6.0), ("tutorial_worker", 6.2), ("task_worker", 7.1))
    login = rows(("none", 400.0), ("tutorial", 401.0))
    micro_cases = [
        {"id": i, "label": i, "ns_per_op": 100.0 * (n + 1), "min_ns": 1, "max_ns": 2}
        for n, i in enumerate(MICRO_IDS)
    ]
    for case in micro_cases:
        case["ratio_to_direct_call"] = case["ns_per_op"] / 100
    recorder = {"status": "todo", "note": "TODO: later."}
    requests = {
        "comment": comment,
        "login": login,
        "queue": {
            "enqueued": 3,
            "successful": 3,
            "failed": 0,
            "drain_seconds_after_last_request": 0.1,
        },
    }
    return {
        "generated_at": "2026-01-01T00:00:00+00:00",
        "profile": "quick",
        "elapsed_seconds": 1.0,
        "machine": {
            "cpu": "Test CPU",
            "nproc": 2,
            "platform": "Linux",
            "python": "3.11",
            "django": "5.2",
            "django_tasks": "0.12.0",
            "django_tasks_db": "0.13.0",
            "database": "SQLite",
        },
        "parameters": {
            "micro_repeats": 2,
            "micro_seconds_per_timing": 0.01,
            "comment_posts_per_scenario": 3,
            "logins_per_scenario": 3,
            "slow_receiver_ms": 50.0,
            "password_hasher": "x.PBKDF2PasswordHasher",
        },
        "micro": micro_cases,
        "recorder": recorder,
        "requests": requests,
        "targets": targets(recorder, requests),
    }


def test_targets_compare_against_the_no_receiver_baseline(settings):
    settings.NOTIFY_EMAIL_SECONDS = 0.05
    result = fake_report()["targets"]
    # Each queue row against the no-receiver row of its own phase.
    assert result["queue_within_1_2x_of_no_receivers"] == {
        "ratio": 1.18,  # 7.1 / 6.0, to two decimals
        "met": True,
    }
    assert result["enqueue_only_within_1_2x_of_no_receivers"] == {
        "ratio": 1.3,
        "met": False,
    }
    assert result["sync_shows_full_delay"] == {"added_ms": 55.0, "met": True}
    assert result["recorder"]["met"] is None


REGIONS = (
    "machine",
    "send",
    "recorder",
    "comment",
    "login",
    "queue",
    "targets",
    "recorder-cost",
)


def region(name):
    return f"<!-- bench:{name} -->\nold\n<!-- /bench:{name} -->\ntext\n"


def test_render_fills_each_region_on_whichever_page_holds_it():
    report = fake_report()
    # The regions split over two pages, as between chapter 10 and its
    # "Under the hood" page.
    pages = {
        "chapter": "Intro\n" + "".join(region(name) for name in REGIONS[:3]),
        "page": "Intro\n" + "".join(region(name) for name in REGIONS[3:]),
    }
    filled = render.fill_pages(pages, report)

    assert "old" not in filled["chapter"] + filled["page"]
    assert filled["chapter"].count("text") == 3 and filled["page"].count("text") == 5
    assert "2 x Test CPU" in filled["chapter"] and "Django 5.2" in filled["chapter"]
    assert "| send_robust_1 | 800 ns | 8.0 |" in filled["chapter"]
    assert "TODO: later." in filled["chapter"]  # the recorder, not measured
    assert "| task_worker | 7.1 ms | 7.1 ms | 1.18 | 1.15 |" in filled["page"]
    assert "| task_enqueue_only | 6.5 ms | 6.5 ms | 1.30 | 1.18 |" in filled["page"]
    assert render.fill_pages(filled, report) == filled  # rerunning changes nothing
    for svg in render.charts(report).values():
        assert ET.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"


def test_render_refuses_a_region_missing_or_on_two_pages():
    report = fake_report()
    everything = "".join(region(name) for name in REGIONS)
    with pytest.raises(ValueError, match="bench:targets region, found 0"):
        render.fill_pages({"page": everything.replace("bench:targets", "x")}, report)
    with pytest.raises(ValueError, match="bench:queue region, found 2"):
        render.fill_pages({"page": everything, "other": region("queue")}, report)


def test_the_recorder_rows_have_a_table_of_their_own():
    report = fake_report()
    report["recorder"] = {
        "status": "measured",
        "cases": [
            {"id": "recorder_send_1_none", "label": "bare", "ns_per_op": 150.0},
            {"id": "recorder_send_1_active", "label": "recording", "ns_per_op": 300.0},
            {"id": "recorder_model_none", "label": "model", "ns_per_op": 1000.0},
            {"id": "recorder_model_stopped", "label": "stopped", "ns_per_op": 1010.0},
        ],
    }
    report["parameters"]["recorder_plan"] = {
        "rounds": 4,
        "recording_sends": 1000,
        "long_repeats": 2,
        "long_recording_sends": 100_000,
    }
    text, found = render.fill(region("recorder") + region("send"), report)

    assert found == ["send", "recorder"]
    recorder_part, send_part = text.split("<!-- /bench:recorder -->")
    # Each row against the same operation with no recorder.
    assert "| recording | 300 ns | 2.00 |" in recorder_part
    assert "| stopped | 1.0 µs | 1.01 |" in recorder_part
    assert "4 rounds, each a recording of 1,000 operations" in recorder_part
    assert "recording" not in send_part


def test_the_recorder_page_shows_the_cost_and_the_parts_of_a_recorded_send(settings):
    report = fake_report()
    ratios = {"active_ratio": 1.3, "stopped_ratio": 1.0, "none_again_ratio": 1.0}
    report["recorder"] = {
        "status": "measured",
        "cases": [
            {"id": f"recorder_{kind}_{state}", "ns_per_op": ns}
            for kind, ns in (("send_0", 200), ("send_1", 1500), ("model", 2500))
            for state in ("none", "active")
        ],
        "ratios": {kind: ratios for kind in micro.RECORDER_TARGETS},
        "parts": [
            {"id": "clock", "label": "reading the clock", "ns_per_op": 100.0},
            {"id": "refs", "label": "weak references", "ns_per_op": 150.0},
        ],
        "send_1_parts_ns": 250.0,
        "send_1_budget_ns": 300.0,
    }
    report["targets"] = targets(report["recorder"], report["requests"])
    lines = render.recorder_cost_lines(report)
    assert (
        "| a send with no receiver | 200 ns | 200 ns | 1.30 x | at most 1.5 x: yes | 1.00 x |"
        in lines
    )
    assert (
        "| a send with one receiver | 1.5 µs | 1.5 µs | 1.30 x | at most 1.2 x: **no** | 1.00 x |"
        in lines
    )
    assert "| **together** | **250 ns** |" in lines
    assert "| what 1.2 x leaves | 300 ns |" in lines
    filled, found = render.fill(region("recorder-cost"), report)
    assert found == ["recorder-cost"]
    assert "old" not in filled and "| reading the clock | 100 ns |" in filled


def test_the_machine_line_names_where_the_tasks_framework_came_from():
    report = fake_report()
    assert "django-tasks 0.12.0, django-tasks-db" in render.machine_line(report)
    report["machine"]["django_tasks"] = "built in"
    assert "Tasks built in (django.tasks), django-tasks-db" in render.machine_line(
        report
    )


def test_the_pages_show_the_committed_json():
    report = json.loads(render.DEFAULT_JSON.read_text())
    pages = render.doc_pages()
    assert render.fill_pages(pages, report) == pages, "run `make bench-docs`"
    for name, svg in render.charts(report).items():
        assert (render.CHARTS / name).read_text() == svg


def test_signal_bench_prints_one_json_document_with_every_figure(
    monkeypatch, django_db_blocker
):
    # The whole command (throwaway database, worker process and all), with the
    # smallest counts that still exercise every scenario.
    monkeypatch.setitem(
        PROFILES, "quick", (1, 0.001, 2, 1, micro.RecorderPlan(2, 10, 50, 1))
    )
    stdout, stderr = io.StringIO(), io.StringIO()
    with django_db_blocker.unblock():
        call_command("signal_bench", "--json", "--quick", stdout=stdout, stderr=stderr)

    report = json.loads(stdout.getvalue())
    assert [case["id"] for case in report["micro"]] == MICRO_IDS
    assert [row["id"] for row in report["requests"]["comment"]] == [
        "none",
        "tutorial",
        "sync",
        "on_commit",
        "task_immediate",
        "task_enqueue_only",
        "none_worker",
        "tutorial_worker",
        "task_worker",
    ]
    # Posts per row: 2, and 2 // 4 -> at least 1 for the rows that wait 50 ms.
    assert {row["id"]: row["n"] for row in report["requests"]["comment"]} == {
        "none": 2,
        "tutorial": 2,
        "sync": 1,
        "on_commit": 1,
        "task_immediate": 1,
        "task_enqueue_only": 2,
        "none_worker": 2,
        "tutorial_worker": 2,
        "task_worker": 2,
    }
    assert [row["id"] for row in report["requests"]["login"]] == [
        "none",
        "tutorial",
        "sync",
        "none_worker",
        "tutorial_worker",
        "task_worker",
    ]
    queue = report["requests"]["queue"]
    assert queue["enqueued"] == queue["successful"] > 0
    assert set(report["targets"]) >= {
        "queue_within_1_2x_of_no_receivers",
        "sync_shows_full_delay",
        "on_commit_shows_full_delay",
    }
    assert report["machine"]["django"] and report["machine"]["nproc"] >= 1
    # django-tasks is the backport's version; Django 6 has the Tasks built in.
    assert (report["machine"]["django_tasks"] == "built in") is (django.VERSION >= (6,))
    assert "Requests" in stderr.getvalue()  # progress goes to stderr, not stdout
