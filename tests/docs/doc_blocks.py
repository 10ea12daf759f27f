"""Finding the fenced ```python and ```sh blocks of README.md and docs/*.md, and their markers.

The convention (docs/README.md, "Docs are tested"): a line directly above a block's opening fence
may hold one marker comment:

- ``<!-- docs-test: skip (REASON) -->``: not run; REASON says why (a fragment, needs real AWS...).
- ``<!-- docs-test: continues -->``: a python block run joined to the python block before it in the
  same file (that one's own ``continues`` included), as one script.
- ``<!-- docs-test: until-stopped -->``: runs until stopped (a server, a worker pool): it must start
  without an error, keep running, and exit 0 soon after SIGTERM.

Every other block runs as written, as a standalone script in a fresh process.
"""
from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass
from typing import List, Optional

REPO = pathlib.Path(__file__).resolve().parents[2]
LANGUAGES = ("python", "sh")
MARKERS = ("skip", "continues", "until-stopped")

_FENCE = re.compile(r"^(\s*)```(\S*)\s*$")
_MARKER = re.compile(r"^\s*<!--\s*docs-test:\s*(?P<kind>[a-z-]+)\s*(?:\((?P<reason>.*)\))?\s*-->\s*$")
_ANY_MARKER = re.compile(r"docs-test")


@dataclass(frozen=True)
class Block:
    """One fenced block: where it is, its language and code, and its marker (None: run as written)."""

    path: pathlib.Path
    line: int  # of the opening fence, 1-based
    language: str
    code: str
    marker: Optional[str] = None
    reason: Optional[str] = None

    @property
    def name(self) -> str:
        return "%s:%d" % (self.path.relative_to(REPO), self.line)


class MarkerError(ValueError):
    """A marker that is misspelt, misplaced, or a skip without its reason."""


def doc_files() -> List[pathlib.Path]:
    """README.md and every docs/*.md (new pages are picked up by themselves)."""
    return [REPO / "README.md"] + sorted((REPO / "docs").glob("*.md"))


def blocks(path: pathlib.Path) -> List[Block]:
    """The python and sh blocks of ``path``, in order.

    Raises:
        MarkerError: a ``docs-test`` comment that is not a known marker directly above a fence.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    found: List[Block] = []
    used_markers = set()
    index = 0
    while index < len(lines):
        fence = _FENCE.match(lines[index])
        if not fence or not fence.group(2):
            index += 1
            continue
        indent, language, start = fence.group(1), fence.group(2), index
        index += 1
        body: List[str] = []
        while index < len(lines) and not _FENCE.match(lines[index]):
            body.append(lines[index][len(indent):] if lines[index].startswith(indent) else lines[index])
            index += 1
        index += 1  # the closing fence
        marker = reason = None
        if start > 0 and _ANY_MARKER.search(lines[start - 1]):
            match = _MARKER.match(lines[start - 1])
            if not match or match.group("kind") not in MARKERS:
                raise MarkerError("%s:%d: unknown docs-test marker %r (known: %s)"
                                  % (path, start, lines[start - 1].strip(), ", ".join(MARKERS)))
            marker, reason = match.group("kind"), (match.group("reason") or "").strip() or None
            if marker == "skip" and not reason:
                raise MarkerError("%s:%d: docs-test: skip needs a reason: skip (WHY)" % (path, start))
            used_markers.add(start - 1)
        if language in LANGUAGES:
            found.append(Block(path, start + 1, language, "\n".join(body) + "\n", marker, reason))
    for number, text in enumerate(lines):
        if _ANY_MARKER.search(text) and number not in used_markers and text.strip().startswith("<!--"):
            raise MarkerError("%s:%d: a docs-test marker must be on the line directly above an opening fence"
                              % (path, number + 1))
    return found


def script(all_blocks: List[Block], block: Block) -> str:
    """The code run for ``block``: its own, after the blocks it continues.

    Raises:
        MarkerError: ``continues`` with no python block before it.
    """
    chain = [block]
    position = all_blocks.index(block)
    while chain[0].marker == "continues":
        previous = [b for b in all_blocks[:position] if b.language == "python"]
        if not previous:
            raise MarkerError("%s: docs-test: continues, but no python block comes before it" % block.name)
        chain.insert(0, previous[-1])
        position = all_blocks.index(previous[-1])
    return "\n".join(b.code for b in chain)
