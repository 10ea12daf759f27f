"""Graphviz DOT of a flow's DAG, each step coloured by its state (``swfkit flow status --dot``)."""
from __future__ import annotations

from typing import List

from swfkit.flows.flow_state import FlowState

__all__ = ["STATE_COLOURS", "to_dot"]

STATE_COLOURS = {"completed": "palegreen", "failed": "salmon", "running": "lightskyblue", "skipped": "lightgrey",
                 "pending": "white"}


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _quote(text: str) -> str:
    return '"%s"' % _escape(text)


def to_dot(state: FlowState) -> str:
    """The DAG of ``state`` as DOT text: one filled box per step (label: name and state), one
    edge per dependency."""
    lines: List[str] = ["digraph %s {" % _quote("%s %s" % (state.flow, state.timeperiod)),
                        "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
                        "  label=%s;" % _quote("%s %s: %s" % (state.flow, state.timeperiod, state.status))]
    for name, step in state.steps.items():
        colour = STATE_COLOURS.get(step.state, "white")
        lines.append("  %s [label=%s, fillcolor=%s];" % (_quote(name), '"%s\\n%s"' % (_escape(name), _escape(step.state)), colour))
    for name, step in state.steps.items():
        for dep in step.depends_on:
            lines.append("  %s -> %s;" % (_quote(dep), _quote(name)))
    lines.append("}")
    return "\n".join(lines) + "\n"
