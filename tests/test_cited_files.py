"""Files that docstrings and comments cite exist (issue 12, item 18: a test cited a file not in the repo).

A reader who follows a cited guide to nothing stops trusting the rest. Every markdown file named
in swfkit/, tests/, tools/ or benchmarks/ must be a file of the repository.
"""
from __future__ import annotations

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
CITED = re.compile(r"(?<![\w/.-])((?:[\w-]+/)*[\w-]+\.md)\b")


def test_every_cited_markdown_file_exists() -> None:
    present = {path.relative_to(ROOT).as_posix() for path in ROOT.rglob("*.md")}
    names = {pathlib.PurePosixPath(path).name for path in present}
    missing = []
    for folder in ("swfkit", "tests", "tools", "benchmarks"):
        for source in sorted((ROOT / folder).rglob("*.py")):
            for number, line in enumerate(source.read_text().splitlines(), 1):
                for cited in CITED.findall(line):
                    if cited not in present and cited not in names:
                        missing.append("%s:%d cites %s" % (source.relative_to(ROOT), number, cited))
    assert not missing, "\n".join(missing)
