"""A small reader of Prometheus' text exposition format, for checking what the exporter serves."""
from __future__ import annotations

import re
import urllib.request
from typing import Dict, FrozenSet, Set, Tuple

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')

Samples = Dict[Tuple[str, FrozenSet[Tuple[str, str]]], float]


class Exposition:
    """The samples, types and helps of one scrape; every sample line is checked to parse."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.samples: Samples = {}
        self.types: Dict[str, str] = {}
        self.helps: Set[str] = set()
        for line in text.splitlines():
            if line.startswith("# HELP "):
                self.helps.add(line.split(" ", 3)[2])
            elif line.startswith("# TYPE "):
                _, _, name, kind = line.split(" ")
                self.types[name] = kind
            elif line:
                match = SAMPLE.match(line)
                assert match, "not a sample line: %r" % line
                labels = frozenset(LABEL.findall(match.group(2) or ""))
                self.samples[(match.group(1), labels)] = float(match.group(3))

    def total(self, name: str, **labels: str) -> float:
        """The sum of ``name``'s samples whose labels include ``labels``."""
        wanted = set(labels.items())
        return sum(value for (sample, have), value in self.samples.items() if sample == name and wanted <= have)


def scrape(url: str) -> Exposition:
    """GET ``url`` over HTTP; checks the content type of the text format 0.0.4."""
    with urllib.request.urlopen(url, timeout=10) as answer:
        assert answer.status == 200
        assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return Exposition(answer.read().decode("utf-8"))
