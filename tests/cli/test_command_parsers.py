"""``main`` builds only the parser of the command it runs: that parser must take the command's
arguments exactly as the full one does, and a command line it cannot place gets the full parser."""
from __future__ import annotations

import argparse
from typing import Any, Dict, Tuple

import pytest

from swfkit.cli import COMMAND_MODULES, build_parser, command_of


def leaf_parsers(parser: argparse.ArgumentParser, path: Tuple[str, ...] = ()) -> Dict[Tuple[str, ...], argparse.ArgumentParser]:
    found = {path: parser}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found.update(leaf_parsers(child, path + (name,)))
    return found


FULL = leaf_parsers(build_parser())


def named(values: Dict[str, Any]) -> Dict[str, Any]:
    """Functions by name: some handlers are closures made afresh with each parser."""
    return {key: getattr(value, "__qualname__", value) if callable(value) else value for key, value in values.items()}


def test_every_command_of_the_full_parser_has_its_module() -> None:
    assert {path[0] for path in FULL if len(path) == 1} == set(COMMAND_MODULES) | {"server"}


@pytest.mark.parametrize("command", sorted(COMMAND_MODULES))
def test_a_command_s_own_parser_is_the_full_parser_s_part(command: str) -> None:
    own = leaf_parsers(build_parser(command))
    mine = {path: parser for path, parser in own.items() if path[:1] == (command,)}
    assert mine and set(mine) == {path for path in FULL if path[:1] == (command,)}
    for path, parser in mine.items():  # the help text shows every option, its arguments and defaults
        assert parser.format_help() == FULL[path].format_help(), path
        assert named(parser._defaults) == named(FULL[path]._defaults), path


@pytest.mark.parametrize("argv", [
    ["workflow", "tasks", "W", "--run-id", "R", "--json"],
    ["--region", "eu-west-1", "--json", "domain", "list"],
    ["--end", "http://127.0.0.1:1", "type", "describe", "workflow", "T", "1"],
    ["--domain=d", "workflow", "timeline", "W", "--html", "x.html"],
    ["worker", "start", "mod:Worker", "--processes", "2"],
])
def test_a_command_line_parses_the_same_either_way(argv: list) -> None:
    command = command_of(argv)
    assert command is not None
    own, _ = build_parser(command).parse_known_args(argv)
    full, _ = build_parser().parse_known_args(argv)
    assert named(vars(own)) == named(vars(full))


@pytest.mark.parametrize("argv, command", [
    (["workflow", "tasks", "W"], "workflow"),
    (["--json", "domain", "list"], "domain"),
    (["--region", "workflow", "domain", "list"], "domain"),  # an option's value is never the command
    (["--reg", "workflow", "type", "list"], "type"),         # nor an abbreviated option's
    (["--endpoint-url=http://h", "flow", "list"], "flow"),
    (["-h"], None), (["--help"], None), (["--vers"], None), (["domain", "-h"], "domain"),
    (["no-such-command"], None), ([], None), (["--json"], None),
])
def test_the_command_is_read_as_argparse_reads_it(argv: list, command: str) -> None:
    assert command_of(argv) == command


def test_the_translation_cache_ends_with_the_build() -> None:
    translate = argparse._  # type: ignore[attr-defined]
    build_parser("workflow")
    assert argparse._ is translate  # type: ignore[attr-defined]
