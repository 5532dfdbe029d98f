"""``schema-reference``: a bundled JSON Schema rendered at build time, every definition and every field.

For each definition and field the page shows its type (with a link to the
definition it refers to), whether it is required, every constraint the schema
states (pattern, lengths, items, range, enum values, const, default, member
names), its description and an example. Examples come, in this order, from the
schema's own ``examples``, from the project's example documents (see
:mod:`.examples`), from ``concernshare_schema_examples`` in ``conf.py`` for the
few fields that nothing else shows, from the definition referred to, or from
the values the schema allows. A schema keyword the renderer does not know, or
a field left without an example, is a build warning, so that the reference
never silently falls behind the schema.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, Final

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from concernshare_docs._nodes import Part, code, json_literal, paragraph, section, table
from concernshare_docs.examples import Samples, sample_documents, string_pool, trim

__all__ = ["SchemaReference", "setup"]

LOGGER: Final = logging.getLogger(__name__)

#: Every keyword the renderer shows; any other is reported, never dropped silently.
KNOWN: Final = frozenset(
    {
        "$schema",
        "$id",
        "$defs",
        "$ref",
        "title",
        "description",
        "type",
        "properties",
        "required",
        "additionalProperties",
        "allOf",
        "if",
        "then",
        "items",
        "enum",
        "const",
        "default",
        "examples",
        "pattern",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minimum",
        "maximum",
        "propertyNames",
        "maxProperties",
    }
)
#: The longest example printed inline; longer ones go in a block.
INLINE: Final = 72


def schema_dir(env: BuildEnvironment) -> Path:
    """The folder of bundled schemas (``src/concernshare/schemas/``, shipped in the package)."""
    return Path(env.srcdir).parent / "src" / "concernshare" / "schemas"


def schema_kinds(env: BuildEnvironment) -> list[str]:
    """Every bundled schema, by kind (``message`` for ``message.schema.json``)."""
    return sorted(p.name.removesuffix(".schema.json") for p in schema_dir(env).glob("*.schema.json"))


# -- the directive ------------------------------------------------------------------------------


class SchemaReference(SphinxDirective):
    """Render one bundled schema: ``schema-reference`` with the kind as its argument."""

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        """Build the reference of the schema named by the argument."""
        kind = self.arguments[0]
        path = schema_dir(self.env) / f"{kind}.schema.json"
        if not path.is_file():
            LOGGER.warning("schema-reference: there is no schema %s", path, location=self.get_location())
            return []
        self.env.note_dependency(str(path))
        schema = json.loads(path.read_text(encoding="utf-8"))
        root = Path(self.env.srcdir).parent
        samples = Samples(schema, sample_documents(kind, root), string_pool(root, tuple(schema_kinds(self.env))))
        rendered = _Renderer(self, kind, schema, samples).render()
        _rendered(self.env).setdefault(kind, self.env.docname)
        return rendered


def _rendered(env: BuildEnvironment) -> dict[str, str]:
    if not hasattr(env, "concernshare_schemas"):
        env.concernshare_schemas = {}  # type: ignore[attr-defined]
    found: dict[str, str] = env.concernshare_schemas  # type: ignore[attr-defined]
    return found


class _Renderer:
    def __init__(self, directive: SchemaReference, kind: str, schema: dict[str, Any], samples: Samples) -> None:
        self.directive = directive
        self.kind = kind
        self.schema = schema
        self.defs: dict[str, dict[str, Any]] = schema.get("$defs", {})
        self.samples = samples
        self.written: dict[str, Any] = directive.config.concernshare_schema_examples.get(kind, {})
        self.used_in = self._used_in()
        #: Members of the document whose definition depends on another member (the message's body, by type).
        self.conditional = {
            name for clause in schema.get("allOf", []) for name in clause.get("then", {}).get("properties", {})
        }

    # -- naming and linking

    def anchor(self, definition: str) -> str:
        return f"schema-{self.kind}-{definition}"

    def link(self, definition: str) -> nodes.reference:
        target = nodes.literal(definition, definition)
        return nodes.reference("", "", target, internal=True, refid=self.anchor(definition))

    def _used_in(self) -> dict[str, list[tuple[str, str]]]:
        found: dict[str, list[tuple[str, str]]] = {}

        def refs(node: Any) -> Iterator[str]:
            if isinstance(node, dict):
                if "$ref" in node:
                    yield node["$ref"].rsplit("/", 1)[-1]
                for value in node.values():
                    yield from refs(value)
            elif isinstance(node, list):
                for value in node:
                    yield from refs(value)

        owners = [("", self.schema), *self.defs.items()]
        for owner, node in owners:
            for name, member in node.get("properties", {}).items():
                for target in dict.fromkeys(refs(member)):
                    found.setdefault(target, []).append((owner, name))
            for clause in node.get("allOf", []):
                for name, member in clause.get("then", {}).get("properties", {}).items():
                    for target in dict.fromkeys(refs(member)):
                        found.setdefault(target, []).append((owner, name))
        return found

    def check_keywords(self, node: dict[str, Any], where: str) -> None:
        unknown = sorted(set(node) - KNOWN)
        if unknown:
            LOGGER.warning(
                "schema-reference: %s uses keywords the reference does not show: %s",
                where,
                ", ".join(unknown),
                location=self.directive.get_location(),
            )

    # -- types, constraints and examples

    def type_parts(self, node: dict[str, Any]) -> list[Part]:
        if "$ref" in node:
            return [self.link(node["$ref"].rsplit("/", 1)[-1])]
        kind = node.get("type")
        if kind == "array":
            return ["array of ", *self.type_parts(node.get("items", {}))]
        if "const" in node and kind is None:
            return ["constant"]
        return [str(kind) if kind else "any JSON value"]

    def constraints(self, node: dict[str, Any]) -> list[list[Part]]:
        found: list[list[Part]] = []
        if "const" in node:
            found.append(["always ", json_literal(node["const"])])
        if "enum" in node:
            found.append(["one of ", *_joined(json_literal(v) for v in node["enum"])])
        if "pattern" in node:
            found.append(["matches ", code(node["pattern"])])
        found.extend(_range(node, "minLength", "maxLength", "character"))
        found.extend(_range(node, "minItems", "maxItems", "item"))
        found.extend(_range(node, "minimum", "maximum", ""))
        if "maxProperties" in node:
            found.append([f"at most {node['maxProperties']} members"])
        if "propertyNames" in node:
            names = self.constraints(node["propertyNames"])
            found.append(["member names: ", *_sentence(names)])
        items = node.get("items", {"$ref": ""})
        if "$ref" not in items:
            each = self.constraints(items)
            if each:
                found.append(["each item: ", *_sentence(each)])
        if "default" in node:
            found.append(["default ", json_literal(node["default"])])
        return found

    def example(self, node: dict[str, Any], owner: str | None, name: str | None, depth: int = 0) -> Any:
        """An example value, or ``None`` where none can be found."""
        written = self.written.get(f"{owner}.{name}") if owner is not None else None
        if node.get("examples"):
            found = node["examples"][0]
        elif owner is not None and name is not None and (owner, name) in self.samples.members:
            found = self.samples.members[(owner, name)]
        else:
            found = None
        if written is not None and found is not None:
            LOGGER.warning(
                "schema-reference: %s.%s of the %s schema now has an example of its own; remove it from "
                "concernshare_schema_examples in conf.py",
                owner,
                name,
                self.kind,
                location=self.directive.get_location(),
            )
        if found is not None or written is not None:
            return found if found is not None else written
        if "$ref" in node:
            target = node["$ref"].rsplit("/", 1)[-1]
            if target in self.samples.definitions:
                return self.samples.definitions[target]
            return self.example(self.defs[target], None, None, depth + 1)
        if "const" in node:
            return node["const"]
        if node.get("enum"):
            return node["enum"][0]
        if "default" in node:
            return node["default"]
        kind = node.get("type")
        if kind == "array" and depth < 4:
            item = self.example(node.get("items", {}), None, None, depth + 1)
            return None if item is None else [item]
        if kind == "string" and "pattern" in node:
            limit = node.get("maxLength", 10_000)
            return next(
                (text for text in self.samples.pool if len(text) <= limit and re.fullmatch(node["pattern"], text)), None
            )
        if kind == "boolean":
            return True
        if kind == "integer":
            return node.get("minimum", 1)
        if kind == "object" and depth < 4 and node.get("properties"):
            built = {}
            for member, rule in node["properties"].items():
                value = self.example(rule, None, None, depth + 1)
                if value is None and member in node.get("required", ()):
                    return None
                if value is not None:
                    built[member] = value
            return built
        return None

    def example_nodes(self, value: Any) -> list[nodes.Node]:
        text = json.dumps(value, ensure_ascii=False)
        if len(text) <= INLINE:
            return [paragraph("Example: ", code(text))]
        block = json.dumps(trim(value), ensure_ascii=False, indent=2)
        literal = nodes.literal_block(block, block, language="json")
        return [paragraph("Example:"), literal]

    # -- fields

    def fields(self, owner: str, node: dict[str, Any]) -> nodes.definition_list:
        required = set(node.get("required", ()))
        listing = nodes.definition_list()
        for name, member in node.get("properties", {}).items():
            where = f"{owner or 'the document'}.{name}"
            self.check_keywords(member, where)
            term = nodes.term()
            term += code(name)
            term += nodes.Text(" — ")
            for part in self.type_parts(member):
                term += nodes.Text(part) if isinstance(part, str) else part
            term += nodes.Text(", required" if name in required else ", optional")
            definition = nodes.definition()
            if member.get("description"):
                definition += paragraph(member["description"])
            rules = self.constraints(member)
            if rules:
                definition += paragraph("Constraints: ", *_sentence(rules), ".")
            target = self._object_target(member)
            if owner == "" and name in self.conditional:
                definition += paragraph("Example: by type, in the table below and in each body's definition.")
            elif target is not None:
                definition += paragraph("Example: see ", self.link(target), ".")
            else:
                value = self.example(member, owner, name)
                if value is None:
                    LOGGER.warning(
                        "schema-reference: no example for %s in the %s schema",
                        where,
                        self.kind,
                        location=self.directive.get_location(),
                    )
                else:
                    definition.extend(self.example_nodes(value))
            item = nodes.definition_list_item()
            item += term
            item += definition
            listing += item
        return listing

    def _object_target(self, node: dict[str, Any]) -> str | None:
        """The object definition a field refers to (directly or as array items), whose example is shown there."""
        inner = node.get("items", node) if node.get("type") == "array" else node
        if "$ref" not in inner:
            return None
        target = inner["$ref"].rsplit("/", 1)[-1]
        return target if self.defs[target].get("type") == "object" else None

    # -- sections

    def render(self) -> list[nodes.Node]:
        self.check_keywords(self.schema, "the document")
        top = section(self.directive, f"schema-{self.kind}", "The document")
        top += paragraph(self.schema.get("description", ""))
        top += paragraph(
            "Schema ",
            code(self.schema.get("$id", "")),
            " (JSON Schema ",
            code(self.schema.get("$schema", "")),
            "); print it with ",
            code(f"concernshare schema {self.kind}"),
            ".",
        )
        top += paragraph("Members of the top-level object:")
        top += self.fields("", self.schema)
        if self.schema.get("additionalProperties") is False:
            top += paragraph("No other members are allowed.")
        if self.schema.get("allOf"):
            top += self.by_type()
        result: list[nodes.Node] = [top]
        for name, node in self.defs.items():
            if "$id" in node:  # an earlier minor version's schema, embedded whole: named, not described again
                result.append(self.frozen(name, node))
                continue
            result.append(self.definition(name, node))
        return result

    def by_type(self) -> nodes.Node:
        rows = []
        frozen: list[Part] = []
        for clause in self.schema["allOf"]:
            condition = clause["if"].get("properties", {})
            reference = clause["then"].get("$ref", "")
            if reference and "$id" in self.defs.get(reference.rsplit("/", 1)[-1], {}):
                ((member, rule),) = condition.items()
                frozen.extend(
                    [
                        code(member),
                        " ",
                        json_literal(rule.get("const")),
                        ": ",
                        code(self.defs[reference.rsplit("/", 1)[-1]]["$id"]),
                        "; ",
                    ]
                )
                continue
            then = clause["then"].get("properties", {})
            if len(condition) != 1 or len(then) != 1:
                LOGGER.warning(
                    "schema-reference: an allOf clause of the %s schema is not of the form "
                    "'if member is constant then member is definition'",
                    self.kind,
                    location=self.directive.get_location(),
                )
                continue
            ((member, rule),) = condition.items()
            ((target, result),) = then.items()
            rows.append(
                [
                    [code(member), " is ", json_literal(rule.get("const"))],
                    [code(target), " is ", *self.type_parts(result)],
                ]
            )
        container = nodes.container()
        container += paragraph("Conditional members: what the document holds depends on a member's value.")
        container += table(["When", "Then"], rows, widths=[1, 1])
        if frozen:
            container += paragraph(
                "A message of an earlier minor version must also pass that version's schema as "
                "released, embedded under $defs (see the versioning page): ",
                *frozen[:-1],
                ".",
            )
        return container

    def frozen(self, name: str, node: dict[str, Any]) -> nodes.section:
        """An embedded schema of an earlier minor version: its id, its description and its top-level members."""
        part = section(self.directive, self.anchor(name), code(name))
        part += paragraph("Schema ", code(node.get("$id", "")), ", embedded as released. ", node.get("description", ""))
        members: list[Part] = []
        for member in node.get("properties", {}):
            members.extend([code(member), ", "])
        part += paragraph(
            "Its top-level members: ",
            *members[:-1],
            "; its own definitions are those of that version, and are not described again here.",
        )
        return part

    def definition(self, name: str, node: dict[str, Any]) -> nodes.section:
        self.check_keywords(node, name)
        anchor = self.anchor(name)
        part = section(self.directive, anchor, code(name))
        kind = node.get("type", "any JSON value")
        part += paragraph(f"Type: {kind}.")
        if node.get("description"):
            part += paragraph(node["description"])
        if node.get("enum"):
            part += table(["Value"], [[json_literal(v)] for v in node["enum"]])
        rules = [rule for rule in self.constraints(node) if not (node.get("enum") and rule[0] == "one of ")]
        if rules:
            part += paragraph("Constraints: ", *_sentence(rules), ".")
        if kind == "object":
            part += paragraph("Members:")
            part += self.fields(name, node)
            if node.get("additionalProperties") is False:
                part += paragraph("No other members are allowed.")
        value = self.samples.definitions.get(name)
        if value is None:
            value = self.example(node, None, None)
        if value is None:
            LOGGER.warning(
                "schema-reference: no example for the definition %s in the %s schema",
                name,
                self.kind,
                location=self.directive.get_location(),
            )
        else:
            part.extend(self.example_nodes(value))
        users = self.used_in.get(name, [])
        if users:
            links: list[Part] = []
            for owner, member in users:
                if owner:
                    links.extend([self.link(owner), code(f".{member}")])
                else:
                    links.append(code(member))
                links.append(", ")
            part += paragraph("Used by: ", *links[:-1], ".")
        return part


def _joined(parts: Iterator[Part]) -> list[Part]:
    found: list[Part] = []
    for part in parts:
        if found:
            found.append(", ")
        found.append(part)
    return found


def _sentence(rules: list[list[Part]]) -> list[Part]:
    found: list[Part] = []
    for rule in rules:
        if found:
            found.append("; ")
        found.extend(rule)
    return found


def _range(node: dict[str, Any], low: str, high: str, unit: str) -> list[list[Part]]:
    def units(count: int) -> str:
        return "" if not unit else f" {unit}" if count == 1 else f" {unit}s"

    if low in node and high in node:
        return [[f"{node[low]} to {node[high]}{units(node[high])}"]]
    if low in node:
        return [[f"at least {node[low]}{units(node[low])}"]]
    if high in node:
        return [[f"at most {node[high]}{units(node[high])}"]]
    return []


def _check(app: Sphinx, env: BuildEnvironment) -> None:
    """Every bundled schema must be rendered by some page."""
    del app
    missing = sorted(set(schema_kinds(env)) - set(_rendered(env)))
    for kind in missing:
        LOGGER.warning(
            "the schema %s.schema.json is in src/concernshare/schemas/ but no page renders it with schema-reference",
            kind,
        )


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    """Take in what a parallel reader found in the documents it read."""
    del app
    for kind, where in _rendered(other).items():
        if where in docnames:
            _rendered(env)[kind] = where


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    del app
    for kind, where in list(_rendered(env).items()):
        if where == docname:
            del _rendered(env)[kind]


def setup(app: Sphinx) -> None:
    """Register the directive and the completeness check."""
    app.add_config_value("concernshare_schema_examples", {}, "env", types=[dict])
    app.add_directive("schema-reference", SchemaReference)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-check-consistency", _check)
