"""Files that docstrings and comments cite exist (issue 12, item 18: a test cited a file not in the repo).

A reader who follows a cited guide to nothing stops trusting the rest. Every markdown file named
in swfkit/, tests/, tools/ or benchmarks/ must be a file of the repository.
"""
from __future__ import annotations

import ast
import io
import pathlib
import re
import tokenize

ROOT = pathlib.Path(__file__).resolve().parent.parent
CITED = re.compile(r"(?<![\w/.-])((?:[\w-]+/)*[\w-]+\.md)\b")


def prose_lines(source: pathlib.Path):
    """(line number, text) of the comments and docstrings of a module: where a reader is sent to a
    file (a string the code uses, such as a path a test builds, cites nothing)."""
    text = source.read_text()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                for offset, line in enumerate(first.value.value.splitlines()):
                    yield first.lineno + offset, line


def test_every_cited_markdown_file_exists() -> None:
    present = {path.relative_to(ROOT).as_posix() for path in ROOT.rglob("*.md")}
    names = {pathlib.PurePosixPath(path).name for path in present}
    missing = []
    for folder in ("swfkit", "tests", "tools", "benchmarks"):
        for source in sorted((ROOT / folder).rglob("*.py")):
            for number, line in prose_lines(source):
                for cited in CITED.findall(line):
                    if cited not in present and cited not in names:
                        missing.append("%s:%d cites %s" % (source.relative_to(ROOT), number, cited))
    assert not missing, "\n".join(missing)


def test_a_cited_file_that_is_missing_is_found(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "module.py"
    source.write_text('"""See docs/missing-guide.md."""\npage = "page.md"  # and DEVELOPERS.md\n')
    cited = [found for _, line in prose_lines(source) for found in CITED.findall(line)]
    assert sorted(cited) == ["DEVELOPERS.md", "docs/missing-guide.md"]
