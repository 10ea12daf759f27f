"""The timeline page in a real headless Chromium: 2,000 tasks and a small page, one bar per task
in the right colours, hover titles, and a screenshot that is not blank."""
from __future__ import annotations

import collections
import pathlib
import re
from html.parser import HTMLParser
from typing import Any, Dict, List

import pytest

import operator_executions as ops
from headless_chromium import chromium_binary, dump_dom, png_pixels, screenshot
from swfkit.cli.timeline_page import COLOURS


class _Marks(HTMLParser):
    """Task groups and their bars, as the browser serialized them."""

    def __init__(self) -> None:
        super().__init__()
        self.tasks: List[Dict[str, Any]] = []
        self.titles = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        a = dict(attrs)
        if tag == "g" and a.get("class") == "task":
            self.tasks.append({"id": a["data-id"], "outcome": a["data-outcome"], "kind": a["data-kind"], "bars": []})
        elif tag == "rect" and a.get("class") in ("run", "wait") and self.tasks:
            self.tasks[-1]["bars"].append((a["class"], a["data-outcome"], a["fill"].lower()))
        elif tag == "title":
            self.titles += 1


def _page(swfkit, run: ops.Run, path: pathlib.Path) -> pathlib.Path:  # type: ignore[no-untyped-def]
    code, out, err = swfkit("workflow", "timeline", run.workflow_id, "--html", str(path))
    assert code == 0, err
    return path


def _browser_dom(binary: str, page: pathlib.Path, profile: pathlib.Path) -> _Marks:
    dom = dump_dom(binary, str(profile), page.as_uri())
    assert "</svg>" in dom
    marks = _Marks()
    marks.feed(dom)
    return marks


def _not_blank(binary: str, page: pathlib.Path, profile: pathlib.Path, png: pathlib.Path) -> Dict[str, float]:
    screenshot(binary, str(profile), page.as_uri(), str(png))
    width, height, pixels = png_pixels(str(png))
    assert (width, height) == (1440, 900)
    counts = collections.Counter(pixels)
    background = counts.most_common(1)[0][1] / len(pixels)
    return {"colours": len(counts), "background": background,
            **{name: sum(n for colour, n in counts.items() if colour == _rgb(hex_)) / len(pixels)
               for name, hex_ in COLOURS.items()}}


def _rgb(hex_colour: str) -> tuple:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def test_two_thousand_tasks_in_chromium(layer1, endpoint_env, swfkit, tmp_path: pathlib.Path) -> None:
    binary = chromium_binary()
    ops.register(layer1)
    run = ops.many_tasks_run(layer1)
    page = _page(swfkit, run, tmp_path / "many.html")
    marks = _browser_dom(binary, page, tmp_path / "profile-dom")
    assert len(marks.tasks) == 2000
    assert len({task["id"] for task in marks.tasks}) == 2000
    outcomes = collections.Counter(task["outcome"] for task in marks.tasks)
    assert outcomes == {"completed": 1000 + 882, "failed": 98, "open": 20}
    for task in marks.tasks:
        runs = [bar for bar in task["bars"] if bar[0] == "run"]
        if task["outcome"] == "open":  # scheduled, never started: only the waiting part
            assert runs == [] and task["bars"] == [("wait", "open", COLOURS["open"])], task
        else:
            assert len(runs) == 1, task
        for _, outcome, fill in task["bars"]:
            assert outcome == task["outcome"] and fill == COLOURS[outcome], task
    assert marks.titles >= 2000  # every bar carries its hover details
    shot = _not_blank(binary, page, tmp_path / "profile-shot", tmp_path / "many.png")
    assert shot["colours"] > 20 and shot["background"] < 0.97, shot
    # The legend's swatches and the bars' solid parts are drawn in the outcome colours themselves.
    assert shot["completed"] > 0.0001 and shot["failed"] > 0.0001 and shot["open"] > 0.0001, shot


def test_small_page_colours_and_titles_in_chromium(layer1, endpoint_env, swfkit, tmp_path: pathlib.Path) -> None:
    binary = chromium_binary()
    ops.register(layer1)
    timed_out = ops.timed_out_run(layer1)
    page = _page(swfkit, timed_out, tmp_path / "timed_out.html")
    marks = _browser_dom(binary, page, tmp_path / "profile-dom")
    [task] = marks.tasks
    assert task["outcome"] == "timed_out" and ("run", "timed_out", COLOURS["timed_out"]) in task["bars"]
    text = page.read_text()
    assert re.search(r"<title>activity sleepy \(ops-work/1\)\nattempt 1 of 1: timed_out \(START_TO_CLOSE\)", text)
    assert 'data-kind="decision"' in text and "decision task completed by test-decider" in text
    shot = _not_blank(binary, page, tmp_path / "profile-shot", tmp_path / "timed_out.png")
    assert shot["colours"] > 10 and shot["timed_out"] > 0.001, shot
