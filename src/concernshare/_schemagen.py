"""Generate the message JSON Schema from the records, so that the two cannot drift.

Run ``python -m concernshare._schemagen`` after changing a record; a test
fails while the committed ``schemas/message.schema.json`` differs from what
this module generates.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib.resources
import json
import re
import sys
import typing
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from concernshare import FORMAT_VERSION
from concernshare.chronology.history import Household
from concernshare.chronology.model import CHRONOLOGY_VERSION, Chronology
from concernshare.directory import DIRECTORY_VERSION, Directory
from concernshare.records.bodies import BODIES, Body
from concernshare.records.codes import MessageType
from concernshare.records.envelope import EXTENSION_KEY, Message
from concernshare.records.types import (
    AGENCY_ID,
    AGENCY_ID_MAX,
    DATE,
    DATE_TIME,
    PARTIAL_DATE,
    UUID,
    AgencyId,
    PartialDate,
)
from concernshare.routing.rules import RULES_VERSION, RuleSet
from concernshare.shape import shape_of

__all__ = [
    "CHRONOLOGY_SCHEMA_ID",
    "DIRECTORY_SCHEMA_ID",
    "HOUSEHOLD_SCHEMA_ID",
    "MESSAGE_SCHEMA_ID",
    "ROUTING_SCHEMA_ID",
    "SCHEMAS",
    "chronology_schema",
    "directory_schema",
    "household_schema",
    "message_schema",
    "routing_schema",
    "write",
]

MESSAGE_SCHEMA_ID: Final = "urn:concernshare:schema:1:message"
#: The message schema of each earlier minor version, frozen as released (in ``data/``), by version.
FROZEN_MESSAGE_SCHEMAS: Final = {"1.0": "message-1.0.schema.json"}
#: The trust directory and routing rules schemas of each earlier minor version, frozen as released, by version.
FROZEN_DIRECTORY_SCHEMAS: Final = {"1.0": "directory-1.0.schema.json"}
FROZEN_ROUTING_SCHEMAS: Final = {"1.0": "routing-1.0.schema.json"}
DIRECTORY_SCHEMA_ID: Final = "urn:concernshare:schema:1:directory"
ROUTING_SCHEMA_ID: Final = "urn:concernshare:schema:1:routing"
CHRONOLOGY_SCHEMA_ID: Final = "urn:concernshare:schema:1:chronology"
HOUSEHOLD_SCHEMA_ID: Final = "urn:concernshare:schema:1:household"

#: Schemas of the value types, each with its description.
_VALUE_TYPES: Final[dict[Any, tuple[str, dict[str, Any]]]] = {
    dt.datetime: (
        "date_time",
        {
            "type": "string",
            "pattern": DATE_TIME,
            "maxLength": 32,
            "description": "An RFC 3339 date-time with an offset (a naive time is refused); "
            "concernshare writes it in UTC with Z.",
            "examples": ["2013-06-03T09:15:00Z"],
        },
    ),
    dt.date: (
        "date",
        {
            "type": "string",
            "pattern": DATE,
            "maxLength": 10,
            "description": "A full date, YYYY-MM-DD.",
            "examples": ["2012-08-01"],
        },
    ),
    PartialDate: (
        "partial_date",
        {
            "type": "string",
            "pattern": PARTIAL_DATE,
            "maxLength": 10,
            "description": "The date of a past event, as precise as it is known: YYYY, YYYY-MM or YYYY-MM-DD.",
            "examples": ["2013", "2013-05", "2013-05-14"],
        },
    ),
    uuid.UUID: (
        "uuid",
        {
            "type": "string",
            "pattern": UUID,
            "maxLength": 36,
            "description": "A UUID written in lower case.",
            "examples": ["6f1c1a4e-3b9d-4c55-9a77-0d2f3e4b5c6d"],
        },
    ),
    AgencyId: (
        "agency_id",
        {
            "type": "string",
            "pattern": AGENCY_ID,
            "maxLength": AGENCY_ID_MAX,
            "description": "An agency id: SCHEME:CODE with an optional /UNIT. Schemes: ods (NHS ODS "
            "code), la (ONS GSS code of a council with children's services), school (URN), police "
            "(two-digit force code). Ids compare exactly.",
            "examples": ["la:E06000032/mash", "ods:RYV01/hv", "school:199999", "police:40"],
        },
    ),
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _doc(obj: Any) -> str:
    text = (obj.__doc__ or "").strip().split("\n\n")[0]
    return " ".join(text.split())


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def ref(self, name: str) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{name}"}

    def type_schema(self, type_: Any) -> dict[str, Any]:
        args = typing.get_args(type_)
        if type_ is not Body and type(None) in args:
            return self.type_schema(next(a for a in args if a is not type(None)))
        if typing.get_origin(type_) is tuple:
            return {"type": "array", "items": self.type_schema(args[0])}
        if type_ == Mapping[str, Any]:
            return {
                "type": "object",
                "propertyNames": {"pattern": EXTENSION_KEY, "maxLength": 128},
            }
        if type_ in _VALUE_TYPES:
            name, schema = _VALUE_TYPES[type_]
            self.defs.setdefault(name, schema)
            return self.ref(name)
        if isinstance(type_, type) and issubclass(type_, enum.Enum):
            name = _snake(type_.__name__)
            self.defs.setdefault(
                name,
                {
                    "type": "string",
                    "description": _doc(type_),
                    "enum": [m.value for m in type_],
                },
            )
            return self.ref(name)
        if type_ is str:
            return {"type": "string"}
        if type_ is bool:
            return {"type": "boolean"}
        if type_ is int:
            return {"type": "integer"}
        if attrs.has(type_):
            name = _snake(type_.__name__)
            if name not in self.defs:
                self.defs[name] = {}  # placeholder against recursion
                self.defs[name] = self.object_schema(type_)
            return self.ref(name)
        raise TypeError(f"no schema for {type_!r}")

    def object_schema(self, cls: type) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        for field in shape_of(cls):
            facts = dict(field.facts)
            facts.pop("withholdable", None)
            if field.union:
                continue  # a tagged union on type: see message_schema()
            schema = self.field_schema(field.declared, facts, field.default)
            properties[field.name] = schema
        required = [field.name for field in shape_of(cls) if field.required]
        out: dict[str, Any] = {"type": "object", "description": _doc(cls)}
        out["properties"] = properties
        if required:
            out["required"] = required
        out["additionalProperties"] = False
        return out

    def field_schema(self, type_: Any, facts: dict[str, Any], default: Any) -> dict[str, Any]:
        schema = self.type_schema(type_)
        description = facts.pop("description")
        examples = facts.pop("examples", None)
        if "$ref" in schema:
            facts.pop("pattern", None)
            facts.pop("maxLength", None)
        if schema.get("type") == "array":
            for key in ("minItems", "maxItems"):
                if key in facts:
                    schema[key] = facts.pop(key)
            for key in ("pattern", "maxLength", "minLength"):
                if key in facts:
                    schema["items"] = {**schema["items"], key: facts.pop(key)}
        if schema.get("type") == "object" and "maxItems" in facts:
            schema["maxProperties"] = facts.pop("maxItems")
        out = {"description": description, **schema, **facts}
        if isinstance(default, bool | str | int) and default is not None:
            out["default"] = default.value if isinstance(default, enum.Enum) else default
        if examples:
            out["examples"] = examples
        return out


def _document(
    builder: _Builder, root: dict[str, Any], *, schema_id: str, title: str, description: str, **extra: Any
) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id,
        "title": title,
        "description": description,
        **{k: v for k, v in root.items() if k != "description"},
        **extra,
        "$defs": dict(sorted(builder.defs.items())),
    }


def message_schema() -> dict[str, Any]:
    """Return the JSON Schema (2020-12) of a message, built from the records."""
    builder = _Builder()
    envelope = builder.object_schema(Message)
    ordered = {}
    for name, prop in envelope["properties"].items():
        ordered[name] = prop
        if name == "id":
            ordered["type"] = {
                "description": "The message type; it says which body follows.",
                **builder.type_schema(MessageType),
            }
    ordered["body"] = {
        "description": "The content of the message; its members depend on the type.",
        "type": "object",
    }
    envelope["properties"] = ordered
    required = envelope["required"]
    required.insert(required.index("id") + 1, "type")
    branches = [
        {
            "if": {"properties": {"type": {"const": message_type.value}}, "required": ["type"]},
            "then": {"properties": {"body": builder.type_schema(body)}},
        }
        for message_type, body in BODIES.items()
    ]
    branches.extend(_earlier_minor_versions(builder, FROZEN_MESSAGE_SCHEMAS))
    return _document(
        builder,
        envelope,
        schema_id=MESSAGE_SCHEMA_ID,
        title=f"concernshare message, format {FORMAT_VERSION}",
        description="A concern about a child, or a message about one, shared between agencies. Fields "
        "that a need-to-know view may withhold are optional here; a semantic check requires them unless "
        "view.withheld names them.",
        allOf=branches,
    )


def _earlier_minor_versions(builder: _Builder, frozen_schemas: dict[str, str]) -> list[dict[str, Any]]:
    """A document of an earlier minor version must also pass that version's frozen schema.

    Each frozen schema is embedded under ``$defs`` as a resource with its own
    ``$id``, so that one schema file judges every 1.x document: a member or a
    code added since is refused in a document of an older minor version.
    """
    branches = []
    for version, name in frozen_schemas.items():
        text = importlib.resources.files("concernshare").joinpath("data", name).read_text(encoding="utf-8")
        frozen = json.loads(text)
        frozen.pop("$schema", None)
        key = "format_" + version.replace(".", "_")
        builder.defs[key] = frozen
        branches.append(
            {
                "if": {"properties": {"format_version": {"const": version}}, "required": ["format_version"]},
                "then": {"$ref": f"#/$defs/{key}"},
            }
        )
    return branches


def _record_schema(
    record: type, schema_id: str, title: str, description: str, frozen: dict[str, str] | None = None
) -> Callable[[], dict[str, Any]]:
    """A function returning the JSON Schema (2020-12) of a document that is one record.

    ``frozen`` names the frozen schemas of the document's earlier minor versions, which a document declaring
    one of them must also pass.
    """

    def schema() -> dict[str, Any]:
        builder = _Builder()
        extra = {"allOf": _earlier_minor_versions(builder, frozen)} if frozen else {}
        return _document(
            builder, builder.object_schema(record), schema_id=schema_id, title=title, description=description, **extra
        )

    schema.__doc__ = f"Return the JSON Schema (2020-12) of {title.removeprefix('concernshare ')}."
    return schema


directory_schema: Final = _record_schema(
    Directory,
    DIRECTORY_SCHEMA_ID,
    f"concernshare trust directory, format {DIRECTORY_VERSION}",
    "The agencies, their roles and areas, and their public keys, as signed by the directory's authority.",
    FROZEN_DIRECTORY_SCHEMAS,
)
routing_schema: Final = _record_schema(
    RuleSet,
    ROUTING_SCHEMA_ID,
    f"concernshare routing rules, format {RULES_VERSION}",
    "Who receives a message, in which need-to-know view, by when, and whom to escalate to when a response is missed.",
    FROZEN_ROUTING_SCHEMAS,
)
chronology_schema: Final = _record_schema(
    Chronology,
    CHRONOLOGY_SCHEMA_ID,
    f"concernshare chronology export, format {CHRONOLOGY_VERSION}",
    "One child's merged multi-agency chronology: entries in order, probable matches for a person to confirm, "
    "identifier conflicts, patterns with the entries behind them, and inputs that could not be read.",
)
household_schema: Final = _record_schema(
    Household,
    HOUSEHOLD_SCHEMA_ID,
    f"concernshare household chronology export, format {CHRONOLOGY_VERSION}",
    "The chronologies of the children who live together, side by side: every entry once, with the children "
    "whose chronologies hold it (new in 1.1).",
)


#: Every generated schema, by the file it is committed as.
SCHEMAS: Final = {
    "message.schema.json": message_schema,
    "directory.schema.json": directory_schema,
    "routing.schema.json": routing_schema,
    "chronology.schema.json": chronology_schema,
    "household.schema.json": household_schema,
}


def render(schema: dict[str, Any]) -> str:
    """The committed text of a schema: two-space indents, a final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write(folder: Path) -> list[Path]:
    """Write every generated schema into ``folder`` and return their paths."""
    paths = []
    for name, build in SCHEMAS.items():
        path = folder / name
        path.write_text(render(build()), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":  # pragma: no cover - a developer's command
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "schemas"
    for written in write(target):
        print(written)
