"""The execution timeline page: one self-contained HTML file drawing an execution as a Gantt chart.

Inline SVG and CSS only (no script, no external asset): it opens from a file, an e-mail or a CI
artifact. One row per task (activity, child workflow, timer, Lambda function); each attempt is a
pale part (waiting: scheduled to started) and a solid part (running: started to closed) coloured
by outcome; top lanes carry ticks for signals, markers and decision tasks. Every mark has a
``<title>`` (the browser's hover text) with its details. Rows shrink from 18 to 10 pixels past
200 tasks, so 2,000 tasks stay a scrollable page with readable labels.
"""
from __future__ import annotations

import datetime
import html
import math
import re
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from swfkit.history import ExecutionTimeline, TaskSpan, TimelineMark
from swfkit.history.task_spans import OUTCOMES

__all__ = ["COLOURS", "render_timeline_page"]

#: Outcome -> bar colour (the waiting part uses the same colour, paler).
COLOURS = {"completed": "#2e7d32", "failed": "#c62828", "timed_out": "#ef6c00", "canceled": "#757575",
           "open": "#1565c0"}
MARK_COLOURS = {"signal": "#6a1b9a", "marker": "#00838f", "decision": "#546e7a"}
LABEL_WIDTH = 300
CHART_WIDTH = 1100
_CSS = """
body { font: 13px/1.4 system-ui, sans-serif; margin: 16px; color: #212121; background: #fff; }
h1 { font-size: 18px; margin: 0 0 4px; }
.summary { color: #424242; margin-bottom: 8px; }
.legend span { display: inline-block; margin-right: 14px; }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -2px; }
svg { display: block; }
svg text { font-family: system-ui, sans-serif; fill: #212121; }
svg .axis text { fill: #616161; }
svg .grid { stroke: #eeeeee; }
svg .task:hover rect.run { stroke: #000; stroke-width: 1; }
"""


def _date(seconds: float) -> str:
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _clock(seconds: Optional[float]) -> str:
    """UTC time of day, ``HH:MM:SS.mmm`` (the page's heading gives the date): arithmetic, no datetime,
    as a 2,000-task page formats tens of thousands of them."""
    if seconds is None:
        return "-"
    second, millis = divmod(int(seconds * 1000 + 0.5) % 86_400_000, 1000)
    text = _SECONDS.get(second)
    if text is None:
        hours, rest = divmod(second, 3600)
        text = _SECONDS[second] = "%02d:%02d:%02d." % (hours, rest // 60, rest % 60)
    return text + _MILLIS[millis]


_SECONDS: Dict[int, str] = {}  # second of the day -> "HH:MM:SS.": at most 86,400 short strings
_MILLIS = ["%03d" % millis for millis in range(1000)]


def _span(seconds: float) -> str:
    if seconds < 60:
        return "%.3g s" % seconds if seconds < 10 else "%.1f s" % seconds
    if seconds < 3600:
        return "%d min %02d s" % divmod(int(round(seconds)), 60)
    hours, rest = divmod(int(round(seconds)), 3600)
    return "%d h %02d min" % (hours, rest // 60)


def _step(duration: float) -> float:
    """A round tick interval giving 5 to 12 ticks across ``duration`` seconds."""
    if duration <= 0:
        return 1.0
    raw = duration / 8
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)


class _Scale:
    def __init__(self, start: float, duration: float) -> None:
        self.start = start
        self.per_second = CHART_WIDTH / duration if duration > 0 else 0.0

    def x(self, time: float) -> float:
        return LABEL_WIDTH + (time - self.start) * self.per_second


_UNSAFE = re.compile("[&<>\"']")


def _escape(text: str) -> str:
    """``html.escape``, skipped for the (usual) text with nothing to escape: a 2,000-task page
    escapes tens of thousands of strings."""
    return html.escape(text) if _UNSAFE.search(text) else text


class _Memo(Dict[Any, str]):
    """``memo[key]`` is ``convert(key)``, worked out once per key: a page of thousands of tasks
    formats the same instants, durations, names and identities over and over."""

    def __init__(self, convert: Callable[[Any], str]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, key: Any) -> str:
        value = self[key] = self.convert(key)
        return value


class _Clocks(Dict[float, str]):
    """``clocks[seconds]`` is ``_clock(seconds)``, once per instant (the hot memo: three per bar)."""

    def __missing__(self, seconds: float) -> str:
        text = self[seconds] = _clock(seconds)
        return text


class _Spans(Dict[float, str]):
    """``spans[seconds]`` is ``_span(seconds)``, once per duration (two per bar)."""

    def __missing__(self, seconds: float) -> str:
        text = self[seconds] = _span(seconds)
        return text


# _TENTHS[n] is n / 10 written with one decimal ("0.0", "0.1"...): every x and width on the chart is
# a whole number of tenths of a pixel up to (LABEL_WIDTH + CHART_WIDTH) * 10, and reading it here
# costs a third of formatting "%.1f" per bar, the dearest step of a bar. Built once, at import.
_TENTHS = [whole + digit for whole in map(str, range(LABEL_WIDTH + CHART_WIDTH + 1))
           for digit in (".0", ".1", ".2", ".3", ".4", ".5", ".6", ".7", ".8", ".9")]


# A task is a group moved to its row, so the bars and label inside it have the same y on every row.
_TASK = ('<g class="task" transform="translate(0 %d)" data-id="%s" data-kind="%s" data-outcome="%s" '
         'data-attempts="%d"><text x="4" y="%s" font-size="%d">%s</text>')
_TITLE = ('<g class="attempt"><title>%s %s (%s)\nattempt %d of %d: %s%s\nscheduled %s, started %s, closed %s\n%s%s'
          '</title>')
_WAIT = ('<rect class="wait" data-outcome="%s" x="%.1f" y="2" width="%.1f" height="%s" fill="%s" '
         'fill-opacity="0.35"/>')
_RUN = '<rect class="run" data-outcome="%s" x="%.1f" y="2" width="%.1f" height="%s" fill="%s"/>'


def _task_rows(tasks: Sequence[TaskSpan], rows_top: int, height: int, scale: _Scale, end: float,
               counts: Dict[str, int]) -> List[str]:
    """The tasks' rows: per task a group with its label, then per attempt a group (one hover
    title) of the waiting and running parts; ``counts`` gets each task's outcome counted.

    This is the page's bulk (a 25,000-event history has some 11,000 tasks), so: one loop with
    every step inlined; the usual row (one attempt, started, a short label, times in order) built
    by one f-string (joined pieces: no format to parse), its positions and widths counted in
    tenths of a pixel and written from one table; every repeated conversion (instants,
    durations, names) memoized, as thousands of tasks share them. Text is escaped piecewise,
    which is the same as escaping the whole (``html.escape`` works character by character).
    """
    start, per_second = scale.start, scale.per_second
    per_tenth, left = per_second * 10, LABEL_WIDTH * 10
    tenths = _TENTHS
    right = CHART_WIDTH * 10  # the last tenth of the chart, counted from its left edge
    escaped, clocks, spans = _Memo(_escape), _Clocks(), _Spans()
    details = _Memo(lambda detail: " (%s)" % _escape(detail) if detail else "")
    workers = _Memo(lambda identity: "\nworker %s" % _escape(identity) if identity else "")
    ids_safe = not _UNSAFE.search("".join([task[1] for task in tasks]))  # one search, not one per task
    outcomes, colours = OUTCOMES, COLOURS
    bar_height = "%.1f" % max(2.0, height - 4)
    label_y = "%.1f" % (height * 0.75)
    font_size = 11 if height > 12 else 8
    parts: List[str] = []
    add = parts.append
    for index, (kind, task_id, name, attempts, _) in enumerate(tasks):
        top = rows_top + height * index
        safe_id = task_id if ids_safe else _escape(task_id)
        safe_name = escaped[name]
        count = len(attempts)
        outcome = outcomes.get(attempts[-1][1], "failed")
        counts[outcome] += 1
        if count == 1 and len(task_id) + len(name) + 2 <= 48:
            _, state, scheduled, started, closed, identity, detail = attempts[0]
            if started is not None:
                until = closed if closed is not None else end
                t0 = int((scheduled - start) * per_tenth + 0.5)
                t1 = int((started - start) * per_tenth + 0.5)
                t2 = int((until - start) * per_tenth + 0.5)
                if 0 <= t0 <= t1 <= t2 <= right:  # else (times out of order) the general case below
                    colour = colours[outcome]
                    closed_at = clocks[closed] if closed is not None else "- (still open)"
                    wait = (f'<rect class="wait" data-outcome="{outcome}" x="{tenths[left + t0]}" y="2" '
                            f'width="{tenths[t1 - t0]}" height="{bar_height}" fill="{colour}" fill-opacity="0.35"/>'
                            if t1 > t0 else "")
                    add(f'<g class="task" transform="translate(0 {top})" data-id="{safe_id}" data-kind="{kind}" '
                        f'data-outcome="{outcome}" data-attempts="1"><text x="4" y="{label_y}" '
                        f'font-size="{font_size}">{safe_id}  {safe_name}</text><g class="attempt"><title>{kind} '
                        f'{safe_id} ({safe_name})\nattempt 1 of 1: {state}{details[detail]}\nscheduled '
                        f'{clocks[scheduled]}, started {clocks[started]}, closed {closed_at}\nwaited '
                        f'{spans[started - scheduled]}, ran {spans[until - started]}{workers[identity]}</title>'
                        f'{wait}<rect class="run" data-outcome="{outcome}" x="{tenths[left + t1]}" y="2" '
                        f'width="{tenths[t2 - t1 if t2 - t1 > 15 else 15]}" height="{bar_height}" '
                        f'fill="{colour}"/></g></g>')
                    continue
        label = "%s  %s" % (task_id, name)
        add(_TASK % (top, safe_id, kind, outcome, count, label_y, font_size,
                     "%s  %s" % (safe_id, safe_name) if len(label) <= 48 else _escape(label[:47]) + "&#8230;"))
        for number, (_, state, scheduled, started, closed, identity, detail) in enumerate(attempts, 1):
            outcome = outcomes.get(state, "failed")
            colour = colours[outcome]
            until = closed if closed is not None else end
            if started is not None:
                spent = "waited %s, ran %s" % (spans[started - scheduled], spans[until - started])
            else:
                spent = "waited %s, never started" % spans[until - scheduled]
            add(_TITLE % (kind, safe_id, safe_name, number, count, state, details[detail], clocks[scheduled],
                          clocks[started] if started is not None else "-",
                          clocks[closed] if closed is not None else "- (still open)", spent, workers[identity]))
            x0 = LABEL_WIDTH + (scheduled - start) * per_second
            x1 = LABEL_WIDTH + ((started if started is not None else until) - start) * per_second
            if x1 - x0 > 0.05:
                add(_WAIT % (outcome, x0, x1 - x0, bar_height, colour))
            if started is not None or closed is not None:
                x2 = LABEL_WIDTH + (until - start) * per_second
                add(_RUN % (outcome, x1, max(1.5, x2 - x1), bar_height, colour))
            add("</g>")
        add("</g>")
    return parts


def _mark(mark: TimelineMark, top: float, height: float, scale: _Scale) -> str:
    x = scale.x(mark.time)
    colour = MARK_COLOURS[mark.kind]
    detail = "%s %s at %s (event %d)" % (mark.kind, mark.label, _clock(mark.time), mark.event_id)
    if mark.end_time is not None:
        detail += "\nclosed %s, %s after it was scheduled" % (_clock(mark.end_time), _span(mark.end_time - mark.time))
    width = max(1.5, scale.x(mark.end_time) - x) if mark.end_time is not None else 2.0
    return ('<rect class="mark" data-kind="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s">'
            '<title>%s</title></rect>' % (mark.kind, x, top + 2, width, height - 4, colour, _escape(detail)))


def _axis(scale: _Scale, start: float, duration: float, top: float, bottom: float) -> List[str]:
    step = _step(duration)
    parts = ['<g class="axis">']
    tick = 0.0
    while tick <= duration + 1e-9:
        x = scale.x(start + tick)
        parts.append('<line class="grid" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>' % (x, top, x, bottom))
        parts.append('<text x="%.1f" y="%.1f" font-size="10" text-anchor="middle">+%s</text>' % (
            x, top - 4, _span(tick) if tick else "0"))
        tick += step
        if step <= 0 or duration <= 0:
            break
    parts.append("</g>")
    return parts


def render_timeline_page(timeline: ExecutionTimeline, *, title: str, subtitle: str = "") -> str:
    """The execution timeline as one self-contained HTML page.

    Args:
        timeline: from ``swfkit.history.execution_timeline(events)``.
        title: the page heading (e.g. the workflow id and run id).
        subtitle: an extra line under the summary (e.g. where the history came from).
    Returns:
        The HTML text (UTF-8 when written).
    """
    escape = _escape
    tasks: Sequence[TaskSpan] = timeline.tasks
    height = 18 if len(tasks) <= 200 else 10  # whole pixels: a row's top is an integer
    scale = _Scale(timeline.start_time, timeline.duration)
    lanes: Tuple[Tuple[str, str], ...] = (("signal", "signals"), ("marker", "markers"), ("decision", "decision tasks"))
    axis_top = 20.0
    lane_top = axis_top + 4
    rows_top = int(lane_top) + 18 * len(lanes) + 6
    bottom = rows_top + height * len(tasks) + 4
    svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img" aria-label="execution '
           'timeline">' % (LABEL_WIDTH + CHART_WIDTH + 10, bottom + 4)]
    svg += _axis(scale, timeline.start_time, timeline.duration, axis_top, bottom)
    for number, (kind, label) in enumerate(lanes):
        top = lane_top + 18.0 * number
        svg.append('<g class="lane" data-kind="%s"><text x="4" y="%.1f" font-size="11" font-style="italic">%s</text>'
                   % (kind, top + 13, label))
        svg += [_mark(mark, top, 18.0, scale) for mark in timeline.marks if mark.kind == kind]
        svg.append("</g>")
    # Every other row shaded by one patterned rectangle rather than a rectangle per row.
    svg.append('<defs><pattern id="rows" x="0" y="%.1f" width="10" height="%.1f" patternUnits="userSpaceOnUse">'
               '<rect x="0" y="%.1f" width="10" height="%.1f" fill="#fafafa"/></pattern></defs>'
               '<rect class="stripes" x="0" y="%.1f" width="%d" height="%.1f" fill="url(#rows)"/>' % (
                   rows_top, 2 * height, height, height, rows_top, LABEL_WIDTH + CHART_WIDTH, height * len(tasks)))
    counts = {outcome: 0 for outcome in COLOURS}
    svg += _task_rows(tasks, rows_top, height, scale, timeline.end_time, counts)
    svg.append("</svg>")
    legend = "".join('<span><i style="background:%s"></i>%s (%d)</span>' % (colour, outcome.replace("_", " "),
                                                                            counts[outcome])
                     for outcome, colour in COLOURS.items())
    legend += "".join('<span><i style="background:%s"></i>%s</span>' % (colour, kind)
                      for kind, colour in MARK_COLOURS.items())
    summary = "%s &#183; %s &#183; started %s &#183; %s &#183; %d tasks &#183; %d events" % (
        escape(timeline.workflow_type or "?"), escape(timeline.close_status or "OPEN"), _date(timeline.start_time),
        _span(timeline.duration), len(tasks), timeline.event_count)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title><style>%s</style>"
            "</head><body><h1>%s</h1><div class=\"summary\">%s%s</div><div class=\"legend\">%s "
            "<span>pale: waiting, solid: running</span></div>%s</body></html>\n" % (
                escape(title), _CSS, escape(title), summary,
                "<br>%s" % escape(subtitle) if subtitle else "", legend, "".join(svg)))
