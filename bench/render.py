"""Turn signal_bench's JSON into the tutorial's tables and charts.

    python -m bench.render [bench/results/signal_bench.json]

Rewrites each generated region (between ``<!-- bench:NAME -->`` and
``<!-- /bench:NAME -->``) on whichever page of docs/ holds it (chapter 10 has
the lesson's figures, the "Under the hood" benchmark page the rest), and the
two SVG charts under docs/assets/bench/. Standard library only: the charts are
plain SVG written by hand.
"""

import json
import math
import re
import sys
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = ROOT / "bench" / "results" / "signal_bench.json"
DOCS = ROOT / "docs"
CHARTS = ROOT / "docs" / "assets" / "bench"
# What the recorder rows time, by kind (bench.micro.RECORDED_KINDS).
RECORDED_KINDS = {
    "send_0": "a send with no receiver",
    "send_1": "a send with one receiver",
    "model": "building a model instance",
}
# Scenarios in which the request itself waits for the slow receiver.
WAITS = {"sync", "on_commit", "task_immediate"}


def fmt_ns(value):
    if value >= 1_000_000:
        return f"{value / 1_000_000:,.2f} ms"
    if value >= 1_000:
        return f"{value / 1_000:,.1f} µs"
    return f"{value:,.0f} ns"


def mark(met):
    return {True: "yes", False: "**no**", None: "not measured yet"}[met]


def tasks_line(django_tasks):
    if django_tasks == "built in":
        return "Tasks built in (django.tasks)"
    return f"django-tasks {django_tasks}"


def machine_line(report):
    m = report["machine"]
    return (
        f"Measured {report['generated_at'][:10]} on {m['nproc']} x {m['cpu']} "
        f"({m['platform']}), Python {m['python']}, Django {m['django']}, "
        f"{tasks_line(m['django_tasks'])}, django-tasks-db {m['django_tasks_db']}, "
        f"{m['database']}; `signal_bench` profile *{report['profile']}*, "
        f"{report['elapsed_seconds']} s in all."
    )


def send_table(report):
    rows = [
        "| what is timed | median per operation | x direct call |",
        "| --- | ---: | ---: |",
    ]
    rows += [
        f"| {case['label']} | {fmt_ns(case['ns_per_op'])} | "
        f"{case['ratio_to_direct_call']:,.1f} |"
        for case in report["micro"]
    ]
    return rows


def recorder_table(report):
    """The recorder's rows, each against the same operation with no recorder."""
    cases = report["recorder"]["cases"]
    baseline = {case["id"]: case["ns_per_op"] for case in cases}
    rows = [
        "| what is timed | median per operation | x no recorder |",
        "| --- | ---: | ---: |",
    ]
    for case in cases:
        kind = re.sub(
            r"^recorder_|_(none_again|none|active_long|active|stopped)$", "", case["id"]
        )
        rows.append(
            f"| {case['label']} | {fmt_ns(case['ns_per_op'])} | "
            f"{case['ns_per_op'] / baseline[f'recorder_{kind}_none']:,.2f} |"
        )
    return rows


def request_table(rows, unit_label):
    lines = [
        f"| {unit_label} | median | 90th percentile | x no receivers | x tutorial receivers |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {row['label']} | {row['median_ms']:.1f} ms | {row['p90_ms']:.1f} ms | "
        f"{row['ratio']:.2f} | {row['ratio_to_tutorial']:.2f} |"
        for row in rows
    ]
    return lines


def target_lines(report):
    t = report["targets"]
    queue = t["queue_within_1_2x_of_no_receivers"]
    enqueue = t["enqueue_only_within_1_2x_of_no_receivers"]
    lines = [
        "- Slow receiver on the queue, comment post within 1.2 x no receivers "
        f"(both with the worker running): {mark(queue['met'])} ({queue['ratio']:.2f} x).",
        "- The same, enqueueing only (no worker process yet): "
        f"{mark(enqueue['met'])} ({enqueue['ratio']:.2f} x).",
    ]
    for mode in ("sync", "on_commit"):
        target = t[f"{mode}_shows_full_delay"]
        lines.append(
            f"- `{mode}` shows the full {report['parameters']['slow_receiver_ms']:.0f} ms: "
            f"{mark(target['met'])} (+{target['added_ms']:.1f} ms)."
        )
    if "recorder" in t:
        lines.append(f"- Recorder overhead: {mark(None)}. {t['recorder']['note']}")
    else:
        recorder = report["recorder"]
        for kind, what in RECORDED_KINDS.items():
            active = next(
                value
                for name, value in t.items()
                if name.startswith(f"recorder_{kind}_active_at_most_")
            )
            stopped = t[f"recorder_{kind}_stopped_indistinguishable"]
            ratios = recorder["ratios"][kind]
            lines += [
                f"- Recorder active, {what} at most {active['limit']} x the same with "
                f"no recorder, {recorder['recording_sends']:,} at a time: "
                f"{mark(active['met'])} ({active['ratio']:.2f} x).",
                f"- Recorder stopped, {what} indistinguishable from no recorder "
                f"(within {stopped['tolerance']:.0%}; the same code timed again: "
                f"{ratios['none_again_ratio']:.3f} x): "
                f"{mark(stopped['met'])} ({stopped['ratio']:.3f} x).",
            ]
        lines.append(
            "- One recording of "
            f"{recorder['long_recording_sends']:,} one-receiver sends: "
            f"{recorder['long_active_ratio']:.2f} x."
        )
    return lines


def blocks(report):
    """The generated parts of the pages, by name: each a function that returns
    its Markdown, so that a page is filled with only the parts it holds."""
    queue = report["requests"]["queue"]
    drain = queue["drain_seconds_after_last_request"]
    parameters = report["parameters"]
    recorder = report["recorder"]
    hasher = parameters["password_hasher"].rpartition(".")[2]
    waiting_posts = min(
        row["n"] for row in report["requests"]["comment"] if row["id"] in WAITS
    )
    parts = {
        "machine": lambda: [machine_line(report)],
        "send": lambda: [
            f"Median of {parameters['micro_repeats']} repeats; each repeat times "
            "a loop of the same operation lasting at least "
            f"{parameters['micro_seconds_per_timing'] * 1000:.0f} ms.",
            "",
            *send_table(report),
        ],
        "recorder": lambda: (
            [
                f"For each kind, {parameters['recorder_plan']['rounds']} rounds, each "
                "a recording of "
                f"{parameters['recorder_plan']['recording_sends']:,} operations "
                "beside as many with no recorder (twice) and with the recorder "
                f"stopped; then {parameters['recorder_plan']['long_repeats']} "
                "recordings of "
                f"{parameters['recorder_plan']['long_recording_sends']:,} "
                "one-receiver sends.",
                "",
                *recorder_table(report),
            ]
            if recorder["status"] == "measured"
            else [f"*{recorder['note']}*"]
        ),
        "comment": lambda: [
            f"{parameters['comment_posts_per_scenario']} comment posts per row "
            f"({waiting_posts} for the rows that wait for the slow receiver), "
            "through Django's test client.",
            "",
            *request_table(report["requests"]["comment"], "comment post"),
        ],
        "login": lambda: [
            f"{parameters['logins_per_scenario']} logins per row; passwords are "
            f"hashed with Django's default `{hasher}`.",
            "",
            *request_table(report["requests"]["login"], "login"),
        ],
        "queue": lambda: [
            f"The worker ran {queue['successful']} of the {queue['enqueued']} tasks "
            f"enqueued ({queue['failed']} failed)"
            + (
                f" and had emptied the queue {drain:.2f} s after the last request."
                if drain is not None
                else ", and had not emptied the queue within a minute."
            )
        ],
        "targets": lambda: target_lines(report),
        "recorder-cost": lambda: recorder_cost_lines(report),
    }
    return {
        name: lambda lines=lines: "\n".join(lines()) for name, lines in parts.items()
    }


def recorder_cost_lines(report):
    """The recorder page's table of what recording costs, and what the parts of
    a one-receiver send take on their own."""
    recorder = report["recorder"]
    if recorder["status"] != "measured":
        return [f"*{recorder['note']}*"]
    cases = {case["id"]: case for case in recorder["cases"]}
    targets = report["targets"]
    lines = [
        machine_line(report),
        "",
        "| operation | no recorder | recording | ratio | target | after `stop()` |",
        "| --- | ---: | ---: | ---: | --- | ---: |",
    ]
    for kind, what in RECORDED_KINDS.items():
        active = next(
            value
            for name, value in targets.items()
            if name.startswith(f"recorder_{kind}_active_at_most_")
        )
        ratios = recorder["ratios"][kind]
        lines.append(
            f"| {what} | {fmt_ns(cases[f'recorder_{kind}_none']['ns_per_op'])} | "
            f"{fmt_ns(cases[f'recorder_{kind}_active']['ns_per_op'])} | "
            f"{ratios['active_ratio']:.2f} x | at most {active['limit']} x: "
            f"{mark(active['met'])} | {ratios['stopped_ratio']:.2f} x |"
        )
    if "parts" in recorder:
        lines += [
            "",
            "| what recording a one-receiver send adds, part by part, timed alone | per send |",
            "| --- | ---: |",
            *(
                f"| {part['label']} | {fmt_ns(part['ns_per_op'])} |"
                for part in recorder["parts"]
            ),
            f"| **together** | **{fmt_ns(recorder['send_1_parts_ns'])}** |",
            f"| what 1.2 x leaves | {fmt_ns(recorder['send_1_budget_ns'])} |",
        ]
    return lines


def fill(page, report):
    """``page`` with each ``<!-- bench:NAME -->`` ... ``<!-- /bench:NAME -->``
    region it holds replaced by the block of that name (the markers stay).

    Returns the new text and the names of the regions it held."""
    found = []
    for name, block in blocks(report).items():
        pattern = re.compile(
            rf"(<!-- bench:{name} -->\n)(?:.*?\n)?(<!-- /bench:{name} -->)", re.DOTALL
        )
        count = len(pattern.findall(page))
        if count:
            text = block()
            # Blank lines around the block: Markdown must not read it as HTML.
            page = pattern.sub(
                lambda match, text=text: f"{match[1]}\n{text}\n\n{match[2]}", page
            )
        found += [name] * count
    return page, found


def fill_pages(pages, report):
    """``pages`` ({path: text}) with every region filled, wherever it lives.

    Each region must appear exactly once in all the pages together."""
    filled, where = {}, {name: [] for name in blocks(report)}
    for path, text in pages.items():
        filled[path], found = fill(text, report)
        for name in found:
            where[name].append(path)
    for name, paths in where.items():
        if len(paths) != 1:
            raise ValueError(
                f"The docs need exactly one bench:{name} region, found {len(paths)}"
            )
    return filled


def doc_pages():
    return {path: path.read_text() for path in sorted(DOCS.rglob("*.md"))}


def bar_chart(title, rows, *, unit, log=False, reference=None):
    """A horizontal bar chart: rows are (label, value, value text, highlight)."""
    notes = unit if isinstance(unit, list) else [unit]
    width, label_w, row_h, top = 900, 440, 26, 44
    plot_w = width - label_w - 100
    height = top + row_h * len(rows) + 16 + 18 * len(notes) + (16 if log else 0)
    top_value = max(value for _, value, _, _ in rows)
    low = min(value for _, value, _, _ in rows)
    floor = 10 ** math.floor(math.log10(low)) if log else 0

    def x(value):
        if log:
            span = math.log10(top_value) - math.log10(floor)
            return label_w + plot_w * (math.log10(value) - math.log10(floor)) / span
        return label_w + plot_w * value / top_value

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="title" font-family="sans-serif" font-size="13">',
        f'<title id="title">{escape(title)}</title>',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="10" y="24" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, value, text, highlight) in enumerate(rows):
        y = top + index * row_h
        colour = "#d9480f" if highlight else "#3b5bdb"
        parts += [
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{escape(label)}</text>',
            f'<rect x="{label_w}" y="{y + 3}" width="{max(x(value) - label_w, 1):.1f}" '
            f'height="{row_h - 8}" fill="{colour}"/>',
            f'<text x="{x(value) + 6:.1f}" y="{y + 16}">{escape(text)}</text>',
        ]
    axis_y = top + row_h * len(rows) + 4
    if reference is not None:
        parts.append(
            f'<line x1="{x(reference):.1f}" y1="{top}" x2="{x(reference):.1f}" '
            f'y2="{axis_y}" stroke="#555" stroke-dasharray="4 3"/>'
        )
    grid = []
    if log:  # a faint line and a label at each power of ten
        power = floor
        while power <= top_value:
            grid += [
                f'<line x1="{x(power):.1f}" y1="{top}" x2="{x(power):.1f}" '
                f'y2="{axis_y}" stroke="#ddd"/>',
                f'<text x="{x(power):.1f}" y="{axis_y + 16}" text-anchor="middle" '
                f'fill="#555" font-size="11">{escape(fmt_ns(power))}</text>',
            ]
            power *= 10
    parts[4:4] = grid  # under the bars
    parts.append(
        f'<line x1="{label_w}" y1="{axis_y}" x2="{label_w + plot_w}" y2="{axis_y}" stroke="#999"/>'
    )
    first = axis_y + (34 if log else 18)
    parts += [
        f'<text x="{label_w}" y="{first + 18 * index}" fill="#555">{escape(note)}</text>'
        for index, note in enumerate(notes)
    ]
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def charts(report):
    comment = report["requests"]["comment"]
    request_rows = [
        (
            row["label"],
            row["median_ms"],
            f"{row['median_ms']:.1f} ms",
            row["id"] in WAITS,
        )
        for row in comment
    ]
    send_rows = [
        (case["label"], case["ns_per_op"], fmt_ns(case["ns_per_op"]), False)
        for case in report["micro"]
    ]
    return {
        "signal-bench-requests.svg": bar_chart(
            "Posting a comment: median latency",
            request_rows,
            unit=[
                "milliseconds; orange: the request waits for the slow receiver",
                "dashed line: no receivers connected, no worker",
            ],
            reference=comment[0]["median_ms"],
        ),
        "signal-bench-send.svg": bar_chart(
            "Sending a signal: median time per operation",
            send_rows,
            unit="time per operation, logarithmic scale",
            log=True,
        ),
    }


def main(argv):
    source = Path(argv[0]) if argv else DEFAULT_JSON
    report = json.loads(source.read_text())
    pages = doc_pages()
    updated = []
    for path, text in fill_pages(pages, report).items():
        if text != pages[path]:
            path.write_text(text)
            updated.append(str(path.relative_to(ROOT)))
    CHARTS.mkdir(parents=True, exist_ok=True)
    for name, svg in charts(report).items():
        (CHARTS / name).write_text(svg)
    print(
        f"Updated {', '.join(updated) or 'no page'} and {len(charts(report))} "
        f"charts in {CHARTS.relative_to(ROOT)}/"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
