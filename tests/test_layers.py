"""Layers import only downward (the ``ALLOWED`` table below is the rule): a walk over every module's imports keeps it so."""
from __future__ import annotations

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "swfkit"

# What each part of swfkit may import from swfkit itself (besides its own modules).
ALLOWED = {
    "spec": set(),
    "exceptions": set(),
    "layer1": {"exceptions", "spec"},
    "models": {"layer1", "exceptions", "spec"},
    "decisions": {"exceptions", "spec"},
    "history": {"layer1", "exceptions", "spec"},
    "server": {"exceptions", "spec"},
    "payloads": {"layer1", "exceptions", "spec"},
    "actors": {"payloads", "layer1", "history", "decisions", "models", "exceptions", "spec"},
    "futures": {"payloads", "actors", "layer1", "history", "decisions", "models", "exceptions", "spec"},
    "testing": {"server", "layer1", "exceptions", "spec"},
    "flows": {"futures", "payloads", "actors", "layer1", "history", "decisions", "models", "exceptions", "spec"},
    "cli": {"flows", "payloads", "demo", "actors", "server", "layer1", "history", "decisions", "models", "exceptions",
            "spec"},
    "demo": {"cli", "actors", "server", "layer1", "history", "decisions", "models", "exceptions", "spec"},
    "__main__": {"cli"},
    "__init__": set(),
}


def part_of(path: pathlib.Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def swfkit_imports(path: pathlib.Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
            if node.module == "swfkit":
                names = ["swfkit." + alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            # relative imports stay inside the part (a part's own modules) unless they climb out
            if node.level > len(path.relative_to(PACKAGE).parts) - 1:
                names = ["swfkit." + (node.module or "")]
        for name in names:
            if name == "swfkit" or name.startswith("swfkit."):
                parts = name.split(".")
                if len(parts) > 1:
                    yield node.lineno, parts[1]


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_only_downward(path: pathlib.Path) -> None:
    part = part_of(path)
    assert part in ALLOWED, "new top-level part %s: add it to ALLOWED with its layer" % part
    for line, target in swfkit_imports(path):
        if target == part or target == "__version__":
            continue
        assert target in ALLOWED[part], "%s:%d imports swfkit.%s, above or beside %s" % (path.relative_to(PACKAGE), line, target, part)


def test_nothing_imports_futures() -> None:
    for path in MODULES:
        if part_of(path) in ("futures", "flows"):  # flows sits on futures
            continue
        assert "futures" not in {target for _, target in swfkit_imports(path)}, path


def test_no_two_modules_share_a_file_name() -> None:
    seen: dict = {}
    for path in MODULES:
        if path.name in ("__init__.py", "__main__.py"):
            continue
        assert path.name not in seen, "%s and %s share a name" % (seen[path.name], path.relative_to(PACKAGE))
        seen[path.name] = path.relative_to(PACKAGE)


def test_nothing_below_imports_flows() -> None:
    for path in MODULES:
        if part_of(path) in ("flows", "cli"):
            continue
        assert "flows" not in {target for _, target in swfkit_imports(path)}, path
