"""``activity_id_for``: stable across processes and versions, short, a valid SWF identifier."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from swfkit.decisions import activity_id_for, schedule_activity_task
from swfkit.exceptions import ValidationError

# Golden values: if these change, every recorded idempotent id changes; that is a breaking change.
GOLDEN = [
    (("resize", "1", '{"w": 10}'), "resize-369039ce652023e7"),
    (("resize", "1", None), "resize-80bedbfd4f4b8fa8"),
    (("resize", "1", ""), "resize-979151de43fd427b"),
    (("r\u00e9sum\u00e9", "2.0", "\u2603"), "r\u00e9sum\u00e9-3df991266c7fe90d"),
]


@pytest.mark.parametrize("args,expected", GOLDEN)
def test_golden_values(args, expected) -> None:  # type: ignore[no-untyped-def]
    assert activity_id_for(*args) == expected


def test_same_in_another_process_with_another_hash_seed() -> None:
    code = "from swfkit.decisions import activity_id_for as f; print('|'.join(f(*a) for a in %r))" % (
        [args for args, _ in GOLDEN],)
    env = dict(os.environ, PYTHONHASHSEED="12345", PYTHONIOENCODING="utf-8")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert out.stdout.decode("utf-8").strip().split("|") == [expected for _, expected in GOLDEN]


def test_same_on_another_python_version() -> None:
    """Python 3.10 (the oldest supported) or any other interpreter found gives the golden ids."""
    import glob
    import shutil

    candidates = glob.glob(os.path.expanduser("~/.pyenv/versions/3.10*/bin/python3"))
    candidates += [shutil.which("python3.%d" % minor) for minor in (10, 12, 13)]
    code = ("import sys; from swfkit.decisions import activity_id_for as f; "
            "print(sys.version[:6] + '|' + '|'.join(f(*a) for a in %r))" % ([args for args, _ in GOLDEN],))
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root, PYTHONIOENCODING="utf-8")
    for interpreter in filter(None, candidates):
        out = subprocess.run([interpreter, "-c", code], capture_output=True, env=env)
        version, *ids = out.stdout.decode("utf-8").strip().split("|") if out.returncode == 0 else ("", "")
        if version and version != sys.version[:6]:
            assert ids == [expected for _, expected in GOLDEN], (interpreter, version)
            return
    pytest.skip("no other Python interpreter on this machine")


def test_each_part_changes_the_id() -> None:
    base = activity_id_for("a", "1", "x")
    assert len({base, activity_id_for("a", "2", "x"), activity_id_for("a", "1", "y"),
                activity_id_for("b", "1", "x"), activity_id_for("a", "1", None)}) == 5
    # no ambiguity from concatenation
    assert activity_id_for("ab", "1", "c") != activity_id_for("a", "b1", "c")


def test_long_names_are_shortened_to_a_valid_id() -> None:
    ident = activity_id_for("n" * 256, "v" * 64, "x" * 32_768)
    assert len(ident) == 256
    assert activity_id_for("n" * 256, "v", "x") != activity_id_for("n" * 255 + "m", "v", "x")


@pytest.mark.parametrize("args,path", [
    (("", "1", None), "name"), (("a:b", "1", None), "name"), (("a", "", None), "version"),
    (("a", "v" * 65, None), "version"), (("a", "1", 5), "input"), ((None, "1", None), "name"),
    (("a", "1", "x" * 32_769), "input"),
])
def test_bad_parts_raise_validation_error(args, path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        activity_id_for(*args)
    assert caught.value.path == path


IDENT = st.text(st.characters(blacklist_characters=":/|", blacklist_categories=("Cc", "Cs")), min_size=1)


@settings(max_examples=150, deadline=None)
@given(name=IDENT.filter(lambda s: len(s) <= 256 and s != "arn"),
       version=IDENT.filter(lambda s: len(s) <= 64 and s != "arn"),
       data=st.none() | st.text(max_size=200))
def test_always_a_valid_activity_id(name: str, version: str, data) -> None:  # type: ignore[no-untyped-def]
    ident = activity_id_for(name, version, data)
    assert ident == activity_id_for(name, version, data)
    assert 17 < len(ident) <= 256
    schedule_activity_task(ident, (name, version), input=data)  # accepted by the rules
