"""Convert a YAML file's data into the schema's types, and say where and why it does not fit.

msgspec does the converting (it imports in a fraction of the memory pydantic needs, and the bot keeps
it for its whole life to reload knowledge). It stops at the first problem and calls a dict entry `[...]`,
so the path to the problem is completed here, and its messages are put in the loader's words."""

from __future__ import annotations

import re
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

import msgspec

Loc = tuple[str | int, ...]
_AT = re.compile(r"^(?P<message>.*?)(?: - at (?P<key>`key` in )?`\$(?P<path>[^`]*)`)?$", re.DOTALL)
_PART = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")
_ANY_KEY = "[...]"  # msgspec's name for "some entry of this dict"


class SchemaError(Exception):
    """Data that does not fit the schema: where (a path of keys and indexes) and why."""

    def __init__(self, loc: Loc, message: str):
        self.loc = loc
        self.message = message
        super().__init__(f"{'.'.join(map(str, loc)) or '(file)'}: {message}")


def convert(data: Any, kind: Any) -> Any:
    """`data` as `kind` (surrounding whitespace of every string dropped first); SchemaError if it does not fit."""
    data = _stripped(data)
    try:
        return msgspec.convert(data, kind, strict=False)
    except msgspec.ValidationError as exc:
        raise _explained(data, kind, str(exc)) from None


def _stripped(data: Any) -> Any:
    if isinstance(data, str):
        return data.strip()
    if isinstance(data, list):
        return [_stripped(v) for v in data]
    if isinstance(data, dict):
        return {k: _stripped(v) for k, v in data.items()}
    return data


def _fits(data: Any, kind: Any) -> bool:
    try:
        msgspec.convert(data, kind, strict=False)
    except msgspec.ValidationError:
        return False
    return True


def _explained(data: Any, kind: Any, text: str) -> SchemaError:
    found = _AT.match(text)
    assert found is not None  # the pattern matches any text
    message, path = found["message"], found["path"] or ""
    if found["key"]:  # a dict key that does not fit: "... - at `key` in `$.layers`"
        path += _ANY_KEY
    loc: list[str | int] = []
    node, kind_here = data, kind
    for name, index in _PART.findall(path):
        part: str | int = name or (int(index) if index.isdigit() else _ANY_KEY)
        if part == _ANY_KEY:  # the first entry, in file order, whose key or value does not fit
            key_kind, value_kind = _dict_kinds(kind_here)
            entries = node.items() if isinstance(node, dict) else ()
            bad = next(((k, v) for k, v in entries if not (_fits(k, key_kind) and _fits(v, value_kind))), None)
            if bad is None:
                break
            loc.append(bad[0])
            if not _fits(bad[0], key_kind):
                return SchemaError(tuple(loc), _message(message, bad[0], key_kind))
            node, kind_here = bad[1], value_kind
            continue
        loc.append(part)
        node = _child(node, part)
        kind_here = _child_kind(kind_here, part)
    for prefix, words in (("Object missing required field `", "Field required"),
                          ("Object contains unknown field `", "Extra inputs are not permitted")):  # fmt: skip
        if message.startswith(prefix):
            return SchemaError((*loc, message[len(prefix) :].rstrip("`")), words)
    return SchemaError(tuple(loc), _message(message, node, kind_here))


def _message(message: str, value: Any, kind: Any) -> str:
    base, meta = _unwrapped(kind)
    if message.startswith("Invalid enum value") and get_origin(base) is Literal:
        choices = [repr(c) for c in get_args(base)]
        return f"{value!r} is not one of {', '.join(choices[:-1])} or {choices[-1]}"
    pattern = next((m.pattern for m in meta if m.pattern), None)
    if message.startswith("Expected `str` matching regex") and pattern:
        if "https" in pattern:
            return f"{value!r} is not an https URL"
        return f"String should match pattern '{pattern}'"
    if message.startswith("Expected `str` of length >= 1"):
        return "must not be blank"
    if re.match(r"Expected `(array|object)` of length >= 1", message):
        return "must not be empty"
    return message


def _unwrapped(kind: Any) -> tuple[Any, list[msgspec.Meta]]:
    """The type under Annotated and Optional, and its constraints."""
    meta: list[msgspec.Meta] = []
    while True:
        if get_origin(kind) is Annotated:
            args = get_args(kind)
            kind, meta = args[0], meta + [m for m in args[1:] if isinstance(m, msgspec.Meta)]
        elif get_origin(kind) in (Union, types.UnionType):
            options = [a for a in get_args(kind) if a is not type(None)]
            if len(options) != 1:
                return kind, meta
            kind = options[0]
        else:
            return kind, meta


def _dict_kinds(kind: Any) -> tuple[Any, Any]:
    base, _meta = _unwrapped(kind)
    args = get_args(base)
    return (args[0], args[1]) if len(args) == 2 else (Any, Any)


def _child_kind(kind: Any, part: str | int) -> Any:
    base, _meta = _unwrapped(kind)
    if isinstance(part, int):
        args = get_args(base)
        return args[0] if args else Any
    if isinstance(base, type) and issubclass(base, msgspec.Struct):
        return get_type_hints(base, include_extras=True).get(part, Any)
    return _dict_kinds(base)[1]


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and part < len(node):
        return node[part]
    return None
