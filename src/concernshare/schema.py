"""The bundled JSON Schemas, and validation against them with pointed, value-free problems.

The schemas are read from the package with ``importlib.resources`` and never
fetched: the registry holds only what ships in ``schemas/``. Validators are
built once per schema and reused.

Two validators judge a document. When jsonschema-rs is installed (a
default dependency), it decides whether a document is valid, in a few
microseconds; only a document it refuses is given to ``jsonschema``, which
explains every problem. Both read patterns as ECMA-262 does (``$`` is the very
end of the string; jsonschema-rs is checked for this before it is trusted), and
the differential tests hold them to the same verdicts on every example, every
conformance case and generated and mutated documents. Without jsonschema-rs,
``jsonschema`` does both.

``jsonschema`` (with ``referencing``) is imported when it is first needed, to
explain a refused document or to build a :func:`validator`: a valid document
judged by jsonschema-rs never pays for it, which is most of what a quick
``concernshare validate`` would otherwise spend starting up.
"""

from __future__ import annotations

import functools
import importlib
import importlib.resources
import json
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Final

from concernshare.catalogue import problem
from concernshare.errors import Problem, SchemaViolation, UsageError
from concernshare.strictjson import escape_pointer

if TYPE_CHECKING:
    import jsonschema
    import referencing
    from jsonschema.exceptions import ValidationError

__all__ = ["KINDS", "iter_problems", "load", "validator"]

#: The document kinds that have a bundled schema, by the file each lives in.
KINDS: Final = {
    "message": "message.schema.json",
    "directory": "directory.schema.json",
    "routing": "routing.schema.json",
    "chronology": "chronology.schema.json",
    "household": "household.schema.json",
}

#: Friendly words for the patterns of the value types, keyed by the ``$defs`` name.
_FORMS: Final = {
    "date_time": "an RFC 3339 date-time with an offset, such as 2026-11-25T09:30:00Z",
    "date": "a full date written as YYYY-MM-DD",
    "partial_date": "a date written as YYYY, YYYY-MM or YYYY-MM-DD",
    "uuid": "a UUID in lower case",
    "agency_id": "an agency id, SCHEME:CODE or SCHEME:CODE/UNIT (ods, la, school, police, ofsted, probation, rsh or "
    "charity)",
}


@functools.cache
def load(kind: str = "message") -> dict[str, Any]:
    """Return the bundled schema of a document kind.

    Raises :class:`~concernshare.errors.UsageError` for an unknown kind.
    """
    if kind not in KINDS:
        raise UsageError(f"no schema for {kind!r}; the kinds are: {', '.join(KINDS)}")
    text = importlib.resources.files("concernshare").joinpath("schemas", KINDS[kind])
    schema: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return schema


@functools.cache
def _registry() -> referencing.Registry[Any]:
    import referencing  # noqa: PLC0415  (only an explanation or a validator pays for it; see the module's docstring)

    resources = [referencing.Resource.from_contents(load(kind)) for kind in KINDS]
    return referencing.Registry().with_resources((r.id() or "", r) for r in resources)


@functools.cache
def _ecma(pattern: str) -> re.Pattern[str]:
    """A pattern as ECMA-262 reads it: ``$`` is the very end, not the end before a final newline."""
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))


@functools.cache
def _validator_class() -> Any:
    """Draft 2020-12 with ECMA-262 patterns, so that Python agrees with Ajv and jsonschema-rs on "1.0\\n"."""
    import jsonschema  # noqa: PLC0415  (only an explanation or a validator pays for it; see the module's docstring)
    from jsonschema.exceptions import ValidationError  # noqa: PLC0415  (as above)

    def ecma_pattern(
        checker: jsonschema.protocols.Validator,
        pattern: str,
        instance: Any,
        _schema: dict[str, Any],
    ) -> Iterator[ValidationError]:
        if checker.is_type(instance, "string") and _ecma(pattern).search(instance) is None:
            yield ValidationError("does not match the pattern")

    return jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        jsonschema.Draft202012Validator,
        {"pattern": ecma_pattern},
    )


@functools.cache
def validator(kind: str = "message") -> jsonschema.protocols.Validator:
    """Return the one validator of a document kind, built on first use."""
    built: jsonschema.protocols.Validator = _validator_class()(load(kind), registry=_registry())
    return built


@functools.cache
def _decider(kind: str) -> Callable[[Any], bool] | None:
    """jsonschema-rs's yes or no for a kind: None when it is not installed or reads ``$`` otherwise than ECMA-262."""
    schema = load(kind)
    try:
        rs = importlib.import_module("jsonschema_rs")
    except ImportError:
        return None
    end = rs.Draft202012Validator({"pattern": "^1[.]0$"})
    if end.is_valid("1.0\n") or not end.is_valid("1.0"):
        return None
    decide: Callable[[Any], bool] = rs.Draft202012Validator(schema).is_valid
    return decide


def _pointer(path: Any) -> str:
    return "".join(f"/{escape_pointer(str(token))}" for token in path)


def _rule(error: ValidationError) -> dict[str, Any]:
    return error.schema if isinstance(error.schema, dict) else {}


def _form(error: ValidationError) -> str:
    pattern = _rule(error).get("pattern")
    for name, words in _FORMS.items():
        if pattern == load()["$defs"].get(name, {}).get("pattern"):
            return words
    description = _rule(error).get("description")
    return f"in the required form ({description})" if description else "in the required form"


#: The code of each limit a schema keyword sets; its message in the catalogue has the keyword as its key.
_LIMITS: Final = {
    "minLength": "CS019",
    "maxLength": "CS019",
    "minItems": "CS020",
    "maxItems": "CS020",
    "maxProperties": "CS020",
    "minimum": "CS021",
    "maximum": "CS021",
}


def _problems(error: ValidationError, kind: str = "message") -> Iterator[Problem]:
    pointer = _pointer(error.absolute_path)
    keyword = str(error.validator)
    value: Any = error.validator_value
    instance: Any = error.instance
    if "propertyNames" in error.relative_schema_path or "propertyNames" in error.schema_path:
        key = escape_pointer(str(instance))
        yield problem(f"{pointer}/{key}", "CS018", "extension_key")
        return
    if keyword == "required":
        for name in value:
            if isinstance(instance, dict) and name not in instance:
                yield problem(f"{pointer}/{escape_pointer(name)}", "CS010")
        return
    if keyword == "additionalProperties":
        known = set(_rule(error).get("properties", {}))
        older = _older_minor(error, kind)
        document = "message" if kind == "message" else "document"
        for name in instance:
            if name not in known:
                where = f"{pointer}/{escape_pointer(name)}"
                yield problem(
                    where, "CS011", "later" if older else "default" if kind == "message" else "other", document=document
                )
        return
    if keyword == "type":
        if instance is None:
            yield problem(pointer, "CS013")
        else:
            yield problem(pointer, "CS012", "typed", type=value)
        return
    if keyword in {"enum", "const"}:
        if error.absolute_path and list(error.absolute_path) == ["type"]:
            yield problem(pointer, "CS014", types=", ".join(value))
            return
        allowed = ", ".join(json.dumps(v) for v in (value if keyword == "enum" else [value]))
        yield problem(pointer, "CS017", values=allowed)
        return
    if keyword == "pattern":
        words = _form(error)
        if words == _FORMS["date_time"] and isinstance(instance, str) and _naive(instance, value):
            yield problem(pointer, "CS009")
            return
        yield problem(pointer, "CS018", what=words)
        return
    code = _LIMITS.get(keyword)
    if code is not None:
        yield problem(pointer, code, keyword, value=value, items="item" if value == 1 else "items")
        return
    yield problem(pointer, "CS012", "rule", keyword=keyword)


def _naive(instance: str, date_time: str) -> bool:
    """True if ``instance`` is a date-time without an offset: ``date_time``, the schema's pattern, takes it with Z."""
    return _ecma(date_time).search(instance + "Z") is not None


def _older_minor(error: ValidationError, kind: str = "message") -> str | None:
    """The earlier minor version whose frozen schema refused this, if it was one (a document's ``allOf`` branch)."""
    path = list(error.absolute_schema_path)
    if len(path) < 3 or path[0] != "allOf" or path[2] != "then" or not isinstance(path[1], int):
        return None
    branches = load(kind).get("allOf", [])
    version = branches[path[1]]["if"]["properties"].get("format_version") if path[1] < len(branches) else None
    return str(version["const"]) if isinstance(version, dict) and "const" in version else None


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """The errors under if/then, allOf and friends, which say what is really wrong."""
    if error.context:
        for inner in error.context:
            yield from _leaves(inner)
    else:
        yield error


def iter_problems(document: Any, kind: str = "message") -> Iterator[Problem]:
    """Yield a problem for every way ``document`` (parsed JSON) breaks the schema of ``kind``.

    Raises :class:`~concernshare.errors.UsageError` for an unknown kind.
    """
    decide = _decider(kind)
    if decide is not None:
        try:
            if decide(document):
                return
        except ValueError:  # a value jsonschema-rs does not take, which is not JSON: jsonschema judges it
            pass
    yield from _explain(document, kind)


def _explain(document: Any, kind: str) -> Iterator[Problem]:
    """The problems ``jsonschema`` finds: every one, each with its pointer, code and message."""
    seen: set[tuple[str, str]] = set()  # an older minor's frozen schema may say again what the current one said
    for error in validator(kind).iter_errors(document):
        for leaf in _leaves(error):
            for found in _problems(leaf, kind):
                key = (found.pointer, found.code)
                if key not in seen:
                    seen.add(key)
                    yield found


def check(document: Any, kind: str = "message") -> None:
    """Raise :class:`~concernshare.errors.SchemaViolation` if ``document`` breaks the schema."""
    problems = sorted(iter_problems(document, kind), key=lambda p: p.pointer)
    if problems:
        raise SchemaViolation(problems)
