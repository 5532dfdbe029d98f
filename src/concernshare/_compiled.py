"""Structure and unstructure functions written out for each record class: the codec's fast path.

cattrs asks, for every value, which hook applies. The records of the format
have known types, so a function written out once per class (as attrs and
cattrs themselves write ``__init__`` and structure functions) can do the
same work without asking. Each function takes only the happy path: it
accepts exactly what the codec accepts without a problem and builds exactly
what the codec builds. Anything else raises :class:`Fallback` (or the
:class:`~concernshare.codec.Refusal` a leaf hook raises), and the codec's own
converter takes over, to build the same result or to report every problem.
The source of every function is registered with :mod:`linecache`, so that
tracebacks and profiles show the lines.

Unstructuring also notes, in the list it is given, what would stop the JSON it
writes from reading back as the same record: a time not in UTC or out of the
format's range, an integer out of I-JSON's range, extensions nested too deep.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import itertools
import linecache
import types
import typing
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from concernshare.records.types import EARLIEST, LATEST, AgencyId, PartialDate, utc_text
from concernshare.shape import optional_inner, shape_of
from concernshare.strictjson import MAX_SAFE_INTEGER as _MAX_SAFE

__all__ = ["Fallback", "Writer", "structure_function", "unstructure_function"]

Leaf = Callable[[str], Any]
Extensions = Callable[[Any, type], Any]
Structure = Callable[[Any], Any]
Unstructure = Callable[[Any, list[str]], dict[str, Any]]

_EXTENSION_DEPTH: Final = 24  # extensions sit at depth 1 of 32; deeper ones go the general way
_FACTORY: Final[type] = attrs.Factory(dict).__class__


class Fallback(Exception):
    """The value is not on the happy path; the codec's converter takes over."""


def _fail() -> Any:
    raise Fallback


_MISSING: Final = object()
_SERIAL: Final = itertools.count(1)


class Writer:
    """Source lines and the names they use, for one generated function."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {"Fallback": Fallback, "_fail": _fail, "_missing": _MISSING}
        self.names["_new"] = object.__new__

    def name(self, value: Any, hint: str) -> str:
        for key, known in self.names.items():
            if known is value:
                return key
        key = f"{hint}_{len(self.names)}"
        self.names[key] = value
        return key

    def build(self, name: str, label: str) -> Any:
        """The function ``name`` of the lines; ``label`` names its source in tracebacks and profiles."""
        namespace = dict(self.names)
        source = "\n".join(self.lines) + "\n"
        filename = f"<concernshare {name} {label} #{next(_SERIAL)}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
        code = compile(source, filename, "exec")
        exec(code, namespace)  # noqa: S102  (source written above from the record classes only)
        return namespace[name]


# -- structure -----------------------------------------------------------------------------


@functools.cache
def _enum_values(cls: type[enum.StrEnum]) -> dict[str, enum.StrEnum]:
    return {member.value: member for member in cls}


class _Leaves:
    """The codec's hooks: for each value type written as a string, and for the extensions."""

    def __init__(self, text: Mapping[type, Leaf], extensions: Extensions, bodies: Mapping[str, type]) -> None:
        self.text, self.extensions, self.bodies = dict(text), extensions, dict(bodies)


def _structure_statements(writer: Writer, type_: Any, target: str, leaves: _Leaves) -> list[str]:
    """Statements that check ``v`` and set ``target`` to its structured value."""
    inner = optional_inner(type_)
    if inner is not None:
        return ["if v is None: raise Fallback", *_structure_statements(writer, inner, target, leaves)]
    if type_ is str:
        return ["if v.__class__ is not str: raise Fallback", f"{target} = v"]
    if type_ is bool:
        return ["if v is not True and v is not False: raise Fallback", f"{target} = v"]
    if type_ is int:
        return ["if v.__class__ is not int: raise Fallback", f"{target} = v"]
    if isinstance(type_, type) and issubclass(type_, enum.StrEnum):
        values = writer.name(_enum_values(type_), "values")
        return [f"{target} = {values}.get(v) if v.__class__ is str else None", f"if {target} is None: raise Fallback"]
    if type_ == Mapping[str, Any]:
        return [f"{target} = {writer.name(leaves.extensions, 'extensions')}(v, None)"]
    if type_ in leaves.text:
        return ["if v.__class__ is not str: raise Fallback", f"{target} = {writer.name(leaves.text[type_], 'leaf')}(v)"]
    if typing.get_origin(type_) is tuple:
        item = typing.get_args(type_)[0]
        lines = ["if v.__class__ is not list: raise Fallback"]
        if item is str:
            return [*lines, "if not all(i.__class__ is str for i in v): raise Fallback", f"{target} = tuple(v)"]
        if isinstance(item, type) and issubclass(item, enum.StrEnum):
            values = writer.name(_enum_values(item), "values")
            return [
                *lines,
                f"{target} = tuple([{values}.get(i) if i.__class__ is str else None for i in v])",
                f"if None in {target}: raise Fallback",
            ]
        function = _structure_function(item, leaves) if attrs.has(item) else None  # a record: its own function
        convert = writer.name(function or _item_function(item, leaves), "item")
        return [*lines, f"{target} = tuple([{convert}(i) for i in v])"]
    if attrs.has(type_):
        function = _structure_function(type_, leaves)
        if function is None:
            raise TypeError(type_)
        return [f"{target} = {writer.name(function, 'structure')}(v)"]
    raise TypeError(type_)  # a field type this module does not write: the class takes the general path


def _item_function(type_: Any, leaves: _Leaves) -> Structure:
    writer = Writer()
    statements = _structure_statements(writer, type_, "x", leaves)
    writer.lines = ["def item(v):", *(f"    {line}" for line in statements), "    return x"]
    built: Structure = writer.build("item", str(type_))
    return built


def _default(writer: Writer, name: str, default: Any) -> str:
    """The expression of a field's default: the default itself, or a call of its factory."""
    if default is attrs.NOTHING:
        raise TypeError(name)  # no default to give: the general path
    if default.__class__ is not _FACTORY:
        return writer.name(default, "default")
    if getattr(default, "takes_self", False):
        raise TypeError(name)  # not written here: the general path
    return f"{writer.name(getattr(default, 'factory', None), 'factory')}()"


def structure_function(
    cls: type,
    text: Mapping[type, Leaf],
    extensions: Extensions,
    bodies: Mapping[str, type],
) -> Structure | None:
    """The fast structure function of an attrs class, or None if one of its field types is not handled.

    ``text`` are the codec's hooks for the value types written as strings
    (times, dates, ids), given a string; ``extensions`` its hook for the
    extensions; ``bodies`` the body class of each message type.
    """
    return _structure_function(cls, _Leaves(text, extensions, bodies))


_FUNCTIONS: dict[tuple[type, int], Structure | None] = {}


class _Bodies(dict[str, Structure]):
    """The structure function of each message type's body, written the first time a message of that type comes.

    Reading one message writes the functions of its own body's records only
    (writing them all costs a command that validates one file about 25 ms).
    A body class the module does not write takes the general path.
    """

    def __init__(self, bodies: Mapping[str, type], leaves: _Leaves) -> None:
        super().__init__()
        self.bodies, self.leaves = bodies, leaves

    def __missing__(self, kind: str) -> Structure:
        function = _structure_function(self.bodies[kind], self.leaves) or _general
        self[kind] = function
        return function

    def get(self, kind: str, default: Any = None) -> Any:
        """The function of ``kind``'s body, written now if it has not been; ``default`` for an unknown type."""
        return self[kind] if kind in self.bodies else default


def _general(_value: Any) -> Any:
    raise Fallback


def _structure_function(cls: type, leaves: _Leaves) -> Structure | None:
    key = (cls, id(leaves.extensions))
    if key not in _FUNCTIONS:
        _FUNCTIONS[key] = _write_structure(cls, leaves)
    return _FUNCTIONS[key]


def _write_structure(cls: type, leaves: _Leaves) -> Structure | None:
    body_map = leaves.bodies
    writer = Writer()
    fields = shape_of(cls)
    known = frozenset(f.name for f in fields)
    body = any(f.name == "body" and set(f.union) == set(body_map.values()) for f in fields)  # the tagged union
    lines = ["def structure(d):", "    if d.__class__ is not dict: raise Fallback"]
    if body:
        functions = _Bodies(body_map, leaves)
        lines += [
            "    kind = d.get('type')",
            f"    body_of = {writer.name(functions, 'bodies')}.get(kind) if kind.__class__ is str else None",
            "    if body_of is None or 'body' not in d: raise Fallback",
        ]
        known |= {"type"}
    lines.append(f"    if not d.keys() <= {writer.name(known, 'known')}: raise Fallback")
    values: dict[str, str] = {}  # each wire field's variable in the function
    try:
        for number, field in enumerate(fields):
            target = f"a{number}"
            values[field.name] = target
            if body and field.name == "body":
                lines.append(f"    {target} = body_of(d['body'])")
                continue
            statements = _structure_statements(writer, field.declared, target, leaves)
            if field.required:
                lines += [
                    f"    v = d.get({field.name!r}, _missing)",
                    "    if v is _missing: raise Fallback",
                    *(f"    {s}" for s in statements),
                ]
                continue
            lines += [
                f"    v = d.get({field.name!r}, _missing)",
                "    if v is _missing:",
                f"        {target} = {_default(writer, field.name, field.default)}",
                "    else:",
                *(f"        {s}" for s in statements),
            ]
    except TypeError:
        return None
    lines += _construction(writer, cls, values)
    writer.lines = lines
    built: Structure = writer.build("structure", cls.__qualname__)
    return built


def _construction(writer: Writer, cls: type, values: dict[str, str]) -> list[str]:
    """Lines that return the record of ``cls`` made of ``values`` (an expression for each wire field)."""
    slots = _slot_setters(cls)
    made = writer.name(cls, "cls")
    if slots is not None:  # as its __init__ would make it, without parsing keyword arguments
        lines = [f"    r = _new({made})"]
        try:
            for attribute in attrs.fields(cls):
                value = values.get(attribute.name) or _default(writer, attribute.name, attribute.default)
                lines.append(f"    {writer.name(slots[attribute.name], 'set')}(r, {value})")
        except TypeError:
            pass  # a field outside the wire with no plain default: __init__ gives it
        else:
            return [*lines, "    return r"]
    return [f"    return {made}({', '.join(f'{name}={value}' for name, value in values.items())})"]


def _slot_setters(cls: type) -> dict[str, Callable[[Any, Any], None]] | None:
    """The slot setter of each field, if an instance may be made by setting its slots; else None.

    That is so when the class's ``__init__`` is the one attrs writes and does
    nothing but set each field: no validator, converter, pre- or post-init hook,
    custom ``__init__``, field left out of ``__init__``, or other slot (a cached
    hash) to set. The structure functions then set the slots themselves, which
    costs about half of a call of ``__init__`` with keyword arguments.
    """
    fields = attrs.fields(cls)
    hooks = ("__attrs_post_init__", "__attrs_pre_init__", "__attrs_init__")
    if any(hasattr(cls, hook) for hook in hooks) or "__init__" not in vars(cls):
        return None
    if any(f.validator is not None or f.converter is not None or not f.init or f.alias != f.name for f in fields):
        return None
    slots = {name for klass in cls.__mro__[:-1] for name in vars(klass).get("__slots__", ())} - {"__weakref__"}
    if slots != {f.name for f in fields}:
        return None
    setters = {}
    for field in fields:
        descriptor = next((vars(k)[field.name] for k in cls.__mro__ if field.name in vars(k)), None)
        if not isinstance(descriptor, types.MemberDescriptorType):
            return None
        setters[field.name] = descriptor.__set__
    return setters


# -- unstructure ---------------------------------------------------------------------------


def _datetime(value: Any, bad: list[str]) -> str:
    if value.__class__ is not dt.datetime:
        raise Fallback
    if value.tzinfo is not dt.UTC:
        bad.append("a time not in UTC")
        return utc_text(value)
    if not EARLIEST <= value <= LATEST:
        bad.append("a time outside the format's range")
    return str(value.isoformat().replace("+00:00", "Z"))


def _json(value: Any, bad: list[str], depth: int) -> Any:
    """A copy of plain JSON values (the extensions), noting what strict parsing would refuse."""
    kind = value.__class__
    if kind is str or kind is bool or kind is float or value is None:
        return value
    if kind is int:
        if not -_MAX_SAFE <= value <= _MAX_SAFE:
            bad.append("an integer outside ±(2^53-1)")
        return value
    if depth > _EXTENSION_DEPTH:
        bad.append("extensions nested deeply")
    if kind is list:
        return [_json(item, bad, depth + 1) for item in value]
    if kind is dict:
        if not all(key.__class__ is str for key in value):
            raise Fallback
        return {key: _json(item, bad, depth + 1) for key, item in value.items()}
    raise Fallback


def _extensions(value: Any, bad: list[str]) -> Any:
    if value.__class__ is not dict:
        raise Fallback
    return _json(value, bad, 0)


_TEXT: Final[dict[type, Callable[[Any], str]]] = {
    dt.date: dt.date.isoformat,
    PartialDate: str,
    uuid.UUID: str,
    AgencyId: str,
}


def _unstructure_expression(writer: Writer, type_: Any, value: str) -> str:
    """An expression giving the plain JSON of ``value`` (a name), or raising Fallback."""
    inner = optional_inner(type_)
    if inner is not None:
        type_ = inner
    if type_ is str:
        return f"({value} if {value}.__class__ is str else _fail())"
    if type_ is bool:
        return f"({value} if {value} is True or {value} is False else _fail())"
    if type_ is int:
        check = f"{value}.__class__ is int and -{_MAX_SAFE} <= {value} <= {_MAX_SAFE}"
        return f"({value} if {check} else {writer.name(_int, 'int')}({value}, bad))"
    if isinstance(type_, type) and issubclass(type_, enum.Enum):
        return f"({value}._value_ if {value}.__class__ is {writer.name(type_, 'enum')} else _fail())"
    if type_ is dt.datetime:
        return f"{writer.name(_datetime, 'datetime')}({value}, bad)"
    if type_ in _TEXT:
        text, kind = writer.name(_TEXT[type_], "text"), writer.name(type_, "type")
        return f"({text}({value}) if {value}.__class__ is {kind} else _fail())"
    if type_ == Mapping[str, Any]:
        return f"{writer.name(_extensions, 'extensions')}({value}, bad)"
    if typing.get_origin(type_) is tuple:
        item = _unstructure_expression(writer, typing.get_args(type_)[0], "i")
        return f"([{item} for i in {value}] if {value}.__class__ is tuple else _fail())"
    if attrs.has(type_):
        function = unstructure_function(type_)
        if function is None:
            raise TypeError(type_)
        kind = writer.name(type_, "record")
        return f"({writer.name(function, 'unstructure')}({value}, bad) if {value}.__class__ is {kind} else _fail())"
    raise TypeError(type_)


def _int(value: Any, bad: list[str]) -> int:
    if value.__class__ is not int:
        raise Fallback
    bad.append("an integer outside ±(2^53-1)")
    return int(value)


@functools.cache
def unstructure_function(cls: type) -> Unstructure | None:
    """The fast unstructure function of an attrs class (members in declaration order, None left out), or None.

    The function takes the record and a list, to which it adds a note for
    every value that would not read back as the same record.
    """
    writer = Writer()
    lines = ["def unstructure(r, bad):", "    out = {}"]
    try:
        for field in shape_of(cls):
            lines.append(f"    v = r.{field.name}")
            if field.union:  # a union of records (the envelope's body): by the value's class
                functions = {c: unstructure_function(c) for c in field.union}
                if None in functions.values():
                    return None
                expression = f"({writer.name(functions, 'records')}.get(v.__class__) or _fail)(v, bad)"
            else:
                expression = _unstructure_expression(writer, field.declared, "v")
            lines += ["    if v is not None:", f"        out[{field.name!r}] = {expression}"]
    except TypeError:
        return None
    lines.append("    return out")
    writer.lines = lines
    built: Unstructure = writer.build("unstructure", cls.__qualname__)
    return built
