#!/usr/bin/env python
"""Generate swfkit/layer1/*_operations.py: one explicit keyword-only method per SWF operation.

Each group of operations is written twice from the same tables: ``task_operations.py`` for
``Layer1`` (plain methods returning ``self.call(...)``) and ``async_task_operations.py`` for
``AsyncLayer1`` (coroutines returning ``await self.call(...)``), so the two clients cannot drift.

Signatures, type hints and docstring summaries come from botocore's SWF model (its documentation
strings) and swfkit.spec (the shapes), so IDEs show the real parameters. Run it after
tools/generate_spec.py and commit the output:

    python tools/generate_layer1_operations.py
"""
from __future__ import annotations

import gzip
import html
import json
import os
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from swfkit.spec import OPERATIONS, SHAPES  # noqa: E402

TARGET_DIR = ROOT / "swfkit" / "layer1"


def load_docs() -> dict:
    # the committed copy tools/generate_spec.py works from: the same output on any botocore
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "swf_model", "service-2.json.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def first_sentence(documentation: str, limit: int = 110) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", documentation or "")).strip()
    text = " ".join(text.split())
    match = re.match(r"(.+?\.)(\s|$)", text)
    sentence = match.group(1) if match else text
    if len(sentence) > limit:
        sentence = sentence[: limit - 3].rsplit(" ", 1)[0] + "..."
    return sentence.replace("\\", "\\\\").replace('"""', "'''")


def hint(shape_name: str) -> str:
    shape = SHAPES[shape_name]
    kind = shape["type"]
    if kind == "string":
        return "str"
    if kind in ("integer", "long"):
        return "int"
    if kind == "boolean":
        return "bool"
    if kind == "timestamp":  # only ever nested in filters (passed as dicts); never a top-level argument
        raise ValueError("a top-level timestamp argument needs a Timestamp type alias")
    if kind == "structure":
        return "Mapping[str, Any]"
    if kind == "list":
        return "Sequence[%s]" % hint(shape["member"])
    raise ValueError(kind)


def method_source(operation: str, spec: dict, docs: dict, asynchronous: bool = False) -> str:
    shape = SHAPES[spec["input"]]
    doc_members = docs["shapes"][spec["input"]]["members"]
    required = set(shape.get("required", ()))
    members = list(shape["members"].items())
    # Required first (in model order), then optional (in model order): the body is built in
    # model order either way, which is the order botocore sees when given the same dict.
    params = []
    for member, member_shape in sorted(members, key=lambda item: item[0] not in required):
        annotation = hint(member_shape)
        if member in required:
            params.append("        %s: %s," % (snake(member), annotation))
        else:
            params.append("        %s: Optional[%s] = None," % (snake(member), annotation))
    define = "async def" if asynchronous else "def"
    lines = ["    %s %s(" % (define, spec["method"]), "        self,", "        *,"] + params + ["    ) -> Dict[str, Any]:"]
    lines.append('        """%s' % first_sentence(docs["operations"][operation].get("documentation", "")))
    lines.append("")
    lines.append("        Args:")
    for member, _ in members:
        required_note = " Required." if member in required else ""
        lines.append("            %s: %s%s" % (snake(member), first_sentence(doc_members[member].get("documentation", ""), 90), required_note))
    lines.append("")
    output = spec.get("output")
    if output:
        keys = ", ".join(SHAPES[output]["members"])
        lines.append("        Returns:")
        lines.append("            The %s answer: %s." % (output, keys))
    else:
        lines.append("        Returns:")
        lines.append("            ``{}`` (the operation has no output).")
    faults = ", ".join(spec.get("errors") or ())
    if faults:
        lines.append("")
        lines.append("        Raises:")
        lines.append("            %s." % faults)
    lines.append('        """')
    required_members = [m for m, _ in members if m in required]
    lines.append("        params: Dict[str, Any] = {%s}" % ", ".join('"%s": %s' % (m, snake(m)) for m in required_members))
    for member, _ in members:
        if member in required:
            continue
        lines.append("        if %s is not None:" % snake(member))
        lines.append('            params["%s"] = %s' % (member, snake(member)))
    # Required members were placed first in the dict; rebuild model order only when it differs.
    order = [m for m, _ in members]
    if order[: len(required_members)] != required_members:
        lines.append("        params = {name: params[name] for name in _ORDER_%s if name in params}" % operation)
    lines.append('        return %sself.call("%s", params)' % ("await " if asynchronous else "", operation))
    return "\n".join(lines)


GROUPS = {
    "domain_operations": ("DomainOperations", "domains and resource tags"),
    "type_operations": ("TypeOperations", "workflow and activity types"),
    "execution_operations": ("ExecutionOperations", "workflow executions and their visibility"),
    "task_operations": ("TaskOperations", "decision and activity tasks"),
}


def group_of(operation: str) -> str:
    if operation.endswith(("Domain", "Domains", "Resource")):
        return "domain_operations"
    if operation.endswith("Type") or operation.endswith("Types"):
        return "type_operations"
    if "Task" in operation:
        return "task_operations"
    return "execution_operations"


HEADER = [
    "# fmt: off",
    "from __future__ import annotations",
    "",
]


def write(name: str, lines: list) -> None:
    path = TARGET_DIR / ("%s.py" % name)
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print("wrote %s" % path.relative_to(ROOT))


def write_group(module: str, class_name: str, topic: str, docs: dict, *, asynchronous: bool) -> None:
    group = module[len("async_"):] if asynchronous else module
    operations = sorted((op for op in OPERATIONS if group_of(op) == group), key=lambda op: OPERATIONS[op]["method"])
    if asynchronous:
        doc = [
            '"""SWF operations on %s as coroutines, generated by tools/generate_layer1_operations.py.' % topic,
            "",
            "Do not edit. The same methods, arguments and docstrings as ``%s.%s``, each a" % (group, class_name[len("Async"):]),
            "coroutine that builds the wire dict the same way and awaits ``call``.",
            '"""',
        ]
    else:
        doc = [
            '"""SWF operations on %s: one method each, generated by tools/generate_layer1_operations.py.' % topic,
            "",
            "Do not edit. Each method takes the operation's members as snake_case keyword arguments",
            "(``None`` = not sent), builds the wire dict in the model's member order and hands it to ``call``.",
            '"""',
        ]
    lines = doc + HEADER
    body = [method_source(operation, OPERATIONS[operation], docs, asynchronous) for operation in operations]
    text = "\n".join(body)
    typing_names = [name for name in ("Any", "Dict", "Mapping", "Optional", "Sequence")
                    if re.search(r"\b%s\[" % name, text) or name == "Any"]
    base_name = "AsyncOperationsBase" if asynchronous else "OperationsBase"
    lines += [
        "from typing import %s" % ", ".join(typing_names),
        "",
        "from swfkit.layer1.operation_names import %s" % base_name,
        "",
    ]
    for operation in operations:
        shape = SHAPES[OPERATIONS[operation]["input"]]
        required = [m for m in shape["members"] if m in shape.get("required", ())]
        order = list(shape["members"])
        if order[: len(required)] != required:
            lines.append("_ORDER_%s = (%s)" % (operation, ", ".join('"%s"' % m for m in order) + ","))
    lines += ["", "", "class %s(%s):" % (class_name, base_name),
              '    """The operations on %s (%d)%s."""' % (topic, len(operations), ", as coroutines" if asynchronous else ""), ""]
    for source in body:
        lines.append(source)
        lines.append("")
    lines.append("")
    lines.append("OPERATIONS = (%s)" % ", ".join('"%s"' % op for op in operations) + ("," if len(operations) == 1 else ""))
    write(module, lines)


def main() -> None:
    docs = load_docs()
    names = [
        '"""Wire names of every operation\'s arguments, generated by tools/generate_layer1_operations.py. Do not edit."""',
    ] + HEADER + [
        "from typing import Any, Dict, Mapping, Optional",
        "",
        "#: snake_case argument name -> wire member name, per operation.",
        "WIRE_NAMES: Dict[str, Dict[str, str]] = {",
    ]
    for operation, spec in sorted(OPERATIONS.items()):
        pairs = ", ".join('"%s": "%s"' % (snake(m), m) for m in SHAPES[spec["input"]]["members"])
        names.append('    "%s": {%s},' % (operation, pairs))
    names += ["}", "", "", "class OperationsBase:",
              '    """What the generated operation mixins need: ``call`` (provided by ``Layer1``)."""', "",
              "    def call(self, operation: str, params: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:",
              "        raise NotImplementedError",
              "", "",
              "class AsyncOperationsBase:",
              '    """What the generated coroutine mixins need: ``call`` as a coroutine (provided by ``AsyncLayer1``)."""', "",
              "    async def call(self, operation: str, params: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:",
              "        raise NotImplementedError"]
    write("operation_names", names)
    for module, (class_name, topic) in GROUPS.items():
        write_group(module, class_name, topic, docs, asynchronous=False)
        write_group("async_" + module, "Async" + class_name, topic, docs, asynchronous=True)
    assert sum(1 for op in OPERATIONS if group_of(op)) == len(OPERATIONS)


if __name__ == "__main__":
    main()
