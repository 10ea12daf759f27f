"""How inputs and results cross the wire: JSON by default, pluggable per activity or workflow.

A serializer is any object with ``dumps(value) -> str`` and ``loads(text) -> value``. Arguments are
encoded as a JSON list (``[1, 2]``), or ``{"args": [...], "kwargs": {...}}`` when there are keyword
arguments; on the way in, any other JSON value is taken as one positional argument (what a person
types on the command line). The envelope may also hold ``"trace"``, the W3C trace context carried from
the starter to the activities (``swfkit.actors.trace_fields``): never an argument.

Payload offload happens here, at the serializer's output: with a payload codec active (a Decider
or Worker configured with one, or ``run_local`` with ``SWFKIT_PAYLOAD_STORE``), a serialized value
over SWF's limit becomes its content-addressed reference (stored when the decision or answer is
sent), and a reference read back is decoded before ``loads``. Replays recompute the same reference,
so the determinism checks compare references.
"""
from __future__ import annotations

import json
import json.scanner
from typing import Any, Callable, Dict, Mapping, Optional, Protocol, Tuple

from swfkit.actors.trace_fields import TRACE_FIELD
from swfkit.decisions.payload_offload import active_encoder
from swfkit.exceptions import ValidationError
from swfkit.spec.limits import MAX_DATA_LENGTH, OFFLOAD_HINT

__all__ = ["Serializer", "JSONSerializer", "JSON", "encode_args", "decode_args", "encode_value", "decode_value"]


class Serializer(Protocol):
    """What a serializer provides (``json`` itself qualifies)."""

    def dumps(self, value: Any) -> str: ...  # pragma: no cover - protocol

    def loads(self, text: str) -> Any: ...  # pragma: no cover - protocol


def _not_serializable(value: Any) -> Any:
    raise TypeError("Object of type %s is not JSON serializable" % type(value).__name__)


def _make_encoder() -> Callable[[Any], str]:
    """A reusable compact encoder. json.dumps builds a new encoder per call; replaying thousands of
    submissions makes that the cost that matters, so the C encoder is built once."""
    encoder = json.JSONEncoder(separators=(",", ":"), allow_nan=False)
    c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
    if c_make_encoder is None:  # pragma: no cover - Pythons without the C accelerator
        return encoder.encode
    # markers=None: no circular-reference bookkeeping (a cycle ends in RecursionError, translated below)
    c_encoder = c_make_encoder(None, _not_serializable, json.encoder.encode_basestring_ascii, None, ":", ",",
                               False, False, False)

    def encode(value: Any) -> str:
        try:
            return "".join(c_encoder(value, 0))
        except RecursionError:
            raise ValueError("circular reference or nesting too deep") from None
    return encode


class JSONSerializer:
    """Compact JSON; refuses NaN/Infinity (not JSON) and anything ``json`` cannot encode."""

    def __init__(self) -> None:
        self._encode = _make_encoder()
        decoder = json.JSONDecoder()
        self._decode = decoder.decode
        # make_scanner is the C scanner where _json is built, else the pure-Python one.
        self._scan = json.scanner.make_scanner(decoder)  # type: ignore[arg-type]  # typeshed types make_scanner as a class of itself
        self.dumps = self._encode  # type: ignore[method-assign, assignment]  # one call less on the replay's hot path

    def dumps(self, value: Any) -> str:
        """Encode ``value`` (raises TypeError/ValueError if it is not JSON-serializable)."""
        return self._encode(value)

    def loads(self, text: str) -> Any:
        """Decode ``text`` (raises ValueError if it is not JSON)."""
        try:
            value, end = self._scan(text, 0)  # the scanner alone: no whitespace handling
            if end == len(text):
                return value
        except (StopIteration, IndexError):
            pass
        return self._decode(text)  # leading/trailing whitespace, or the precise error

    def __repr__(self) -> str:
        return "JSONSerializer()"


JSON = JSONSerializer()


def _dumps(serializer: Any, value: Any, where: str, path: str) -> str:
    try:
        text = serializer.dumps(value)
    except (TypeError, ValueError, OverflowError) as err:
        raise ValidationError(where, path, "not serializable by %r: %s" % (serializer, err)) from None
    if not isinstance(text, str):
        raise ValidationError(where, path, "serializer %r returned %s, not str" % (serializer, type(text).__name__))
    codec = active_encoder()
    if codec is not None:
        offloaded = codec.reference("", path.partition("[")[0], text)
        text = text if offloaded is None else offloaded
    if len(text) > MAX_DATA_LENGTH:
        raise ValidationError(where, path, "serialized length must be at most %d characters (is %d): %s"
                              % (MAX_DATA_LENGTH, len(text), OFFLOAD_HINT))
    return text


def _decoded(text: str) -> str:
    """``text`` with an offloaded payload fetched (only references start with ``s``; JSON never does)."""
    if text[:1] == "s":
        codec = active_encoder()
        if codec is not None:
            decoded = codec.decode(text)
            return text if decoded is None else decoded
    return text


#: The keys of an input envelope, and those of which it needs one.
ENVELOPE_KEYS = frozenset(("args", "kwargs", TRACE_FIELD))
ARGUMENT_KEYS = frozenset(("args", "kwargs"))


def encode_args(serializer: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any], where: str,
                trace: Optional[Mapping[str, str]] = None) -> str:
    """The wire input for a call with ``args``/``kwargs``.

    Args:
        trace: a trace field (``swfkit.actors.trace_fields``) to carry: the input becomes the
            envelope ``{"args": [...], "kwargs": {...}, "trace": {...}}`` (``kwargs`` only if any).

    Raises:
        ValidationError: an argument is not serializable (path names it) or the input is too long.
    """
    payload: Any
    if trace is not None:
        payload = {"args": list(args), "kwargs": dict(kwargs), TRACE_FIELD: dict(trace)} if kwargs else \
            {"args": list(args), TRACE_FIELD: dict(trace)}
    else:
        payload = list(args) if not kwargs else {"args": list(args), "kwargs": dict(kwargs)}
    try:
        text = serializer.dumps(payload)
    except (TypeError, ValueError, OverflowError):
        for index, value in enumerate(args):  # find the culprit, for a precise path
            _dumps(serializer, value, where, "args[%d]" % index)
        for key, value in kwargs.items():
            _dumps(serializer, value, where, "kwargs[%r]" % key)
        return _dumps(serializer, payload, where, "input")
    if type(text) is not str or len(text) > MAX_DATA_LENGTH:
        return _dumps(serializer, payload, where, "input")  # the precise error, or the offloaded reference
    return text


def is_envelope(value: Any) -> bool:
    """Whether a decoded input is an envelope: a dict of ``args`` (a list) and/or ``kwargs`` (a dict),
    and maybe ``trace``; any other dict (``{"trace": ...}`` alone included) is one argument."""
    return isinstance(value, dict) and value.keys() <= ENVELOPE_KEYS and not value.keys().isdisjoint(ARGUMENT_KEYS) \
        and isinstance(value.get("args", []), list) and isinstance(value.get("kwargs", {}), dict)


def decode_args(serializer: Any, text: Optional[str]) -> Tuple[Tuple[Any, ...], Dict[str, Any]]:
    """``(args, kwargs)`` from a wire input (``None`` or empty: no arguments; an envelope's
    ``trace`` is not an argument)."""
    if text is None or text == "":
        return (), {}
    value = serializer.loads(_decoded(text))
    if isinstance(value, list):
        return tuple(value), {}
    if is_envelope(value):
        return tuple(value.get("args", [])), dict(value.get("kwargs", {}))
    return (value,), {}


def encode_value(serializer: Any, value: Any, where: str, path: str = "result") -> Optional[str]:
    """A result on the wire: ``None`` stays absent, anything else is serialized."""
    return None if value is None else _dumps(serializer, value, where, path)


def decode_value(serializer: Any, text: Optional[str], *, lenient: bool = False) -> Any:
    """A result from the wire (absent: ``None``). ``lenient``: text that does not decode is
    returned as is (signals typed by hand)."""
    if text is None:
        return None
    text = _decoded(text)
    if not lenient:
        return serializer.loads(text)
    try:
        return serializer.loads(text)
    except ValueError:
        return text
