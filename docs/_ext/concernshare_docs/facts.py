"""Tables and values taken from the code when the page is built, so that the prose cannot drift from it.

- the role ``cs-value`` prints a constant, or an ``attrs`` field's default
  (``concernshare.sealing.OpenPolicy.window``), as code;
- the directives print the statutory timescales, the need-to-know views and
  the sensitivity declarations, the JOSE document kinds and limits, the agency
  id schemes, the council list, the sources of the code lists, and the
  chronology's patterns with their default thresholds.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any, Final

import attrs
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from concernshare_docs._nodes import Part, code, paragraph, table

__all__ = ["setup", "value_of"]

LOGGER: Final = logging.getLogger(__name__)


def value_of(path: str) -> Any:
    """The value a dotted path names: a module constant, or the default of an attrs field."""
    module_name, _, rest = path.partition(".")
    module: Any = importlib.import_module(module_name)
    parts = rest.split(".")
    while parts and isinstance(module, type(importlib)):
        try:
            module = importlib.import_module(f"{module.__name__}.{parts[0]}")
        except ImportError:
            break
        parts.pop(0)
    value: Any = module
    for index, part in enumerate(parts):
        if attrs.has(value) and index == len(parts) - 1:
            default = attrs.fields_dict(value)[part].default
            return default.factory() if isinstance(default, attrs.Factory) else default  # type: ignore[arg-type]
        value = getattr(value, part)
    return value


def _words(value: Any) -> str:
    if isinstance(value, dt.timedelta):
        if value % dt.timedelta(days=1) == dt.timedelta(0):
            days = value.days
            return f"{days} day" if days == 1 else f"{days} days"
        minutes = int(value.total_seconds() // 60)
        return f"{minutes} minutes"
    if isinstance(value, frozenset | set):
        return ", ".join(sorted(str(v) for v in value))
    return str(value)


class ValueRole(SphinxRole):
    """``{cs-value}`concernshare.strictjson.MAX_BYTES``` prints ``4194304``."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        """Import the value and print it as code."""
        try:
            value = value_of(self.text)
        except (ImportError, AttributeError, KeyError) as error:
            LOGGER.warning("cs-value: %s cannot be read: %s", self.text, error, location=self.get_location())
            return [nodes.literal(self.text, self.text)], []
        return [code(_words(value))], []


def _timescales() -> list[nodes.Node]:
    from concernshare import deadlines  # noqa: PLC0415  (imported when the page is built)

    rows = []
    for name, timescale in deadlines.TIMESCALES.items():
        runs = (
            f"{timescale.working_days} working days"
            if timescale.working_days
            else f"{timescale.months} calendar months"
            if timescale.months
            else "to the start of the setting's next school day"
        )
        rows.append([code(name), runs, timescale.description, timescale.source])
    return [table(["Name", "Runs", "Rule", "Source"], rows, widths=[2, 2, 5, 4])]


def _views() -> list[nodes.Node]:
    from concernshare.routing import views  # noqa: PLC0415

    rows = [[code(name), ", ".join(sorted(withheld)) or "nothing"] for name, withheld in views.BUILTIN_VIEWS.items()]
    return [table(["View", "Withholds"], rows, widths=[1, 4])]


def _roles() -> list[nodes.Node]:
    from concernshare.routing import views  # noqa: PLC0415

    rows = [
        [code(str(role)), ", ".join(sorted(withheld)) or "nothing"] for role, withheld in views.ROLE_WITHHOLDS.items()
    ]
    return [table(["Recipient role", "Never receives, whatever the view"], rows, widths=[1, 4])]


def _sensitivity() -> list[nodes.Node]:
    from concernshare.routing import views  # noqa: PLC0415

    conditions = {
        "_always": "always",
        "_anonymous": "when the referrer asked not to be identified (sender.anonymity_requested)",
        "_referrer": "when the referrer asked not to be identified and is named here too",
        "_confidential": "when the address is marked confidential",
    }
    rows = []
    for declaration in views.SENSITIVITY:
        name = getattr(declaration.applies, "__name__", "")
        when = conditions.get(name)
        if when is None:
            when = _closure_words(declaration.applies)
        rows.append([code(declaration.pattern), str(declaration.category), when])
    return [table(["Field (* is any array index)", "Category", "Applies"], rows, widths=[4, 2, 3])]


def _closure_words(predicate: Callable[..., bool]) -> str:
    """Say what a ``_related`` or ``_marked`` predicate of the views module tests, from its closure."""
    cells = [cell.cell_contents for cell in (predicate.__closure__ or ())]
    for cell in cells:
        if isinstance(cell, set | frozenset):
            return "when the person's relationship is " + " or ".join(sorted(cell))
        if isinstance(cell, str):
            return f"when the message is marked {cell}"
    if predicate.__doc__:
        return predicate.__doc__.strip().splitlines()[0]
    LOGGER.warning(
        "sensitivity-declarations: the condition %s cannot be described; give it a docstring",
        getattr(predicate, "__name__", predicate),
    )
    return "in some cases"


def _jose() -> list[nodes.Node]:
    from concernshare.crypto import _jose  # noqa: PLC0415

    rows = [
        ["signed message (sealed, or signed only)", "JWS", code(_jose.MESSAGE_TYP), code(_jose.MESSAGE_CTY)],
        ["sealed message", "JWE", code(_jose.SEALED_TYP), code(_jose.SEALED_CTY)],
        ["signed directory", "JWS", code(_jose.DIRECTORY_TYP), code(_jose.DIRECTORY_CTY)],
    ]
    return [table(["Document", "JOSE", "typ", "cty"], rows, widths=[3, 1, 3, 3])]


def _schemes() -> list[nodes.Node]:
    from concernshare.records import types  # noqa: PLC0415

    meaning = {
        "ods": "NHS Organisation Data Service (ODS) organisation or site code",
        "la": "ONS GSS code of a council with children's services",
        "school": "school or setting URN",
        "police": "police force code",
        "ofsted": "Ofsted URN of an early years or childcare setting (EY and six digits, or six digits)",
        "probation": "region of the Probation Service of England and Wales; a probation delivery unit as the unit",
        "rsh": "Regulator of Social Housing registration number of a registered provider (a housing association)",
        "charity": "registered charity number: Charity Commission for England and Wales, OSCR (SC), or the "
        "Charity Commission for Northern Ireland (NIC)",
    }
    rows = [
        [code(f"{scheme}:"), meaning.get(scheme, ""), code(pattern)] for scheme, pattern in types.AGENCY_SCHEMES.items()
    ]
    unknown = set(types.AGENCY_SCHEMES) - set(meaning)
    if unknown:
        LOGGER.warning("agency-schemes: no words for the schemes %s", ", ".join(sorted(unknown)))
    return [table(["Scheme", "Code", "Pattern of the code"], rows, widths=[1, 4, 3])]


def _councils() -> list[nodes.Node]:
    from concernshare.records.identifiers import councils  # noqa: PLC0415

    listing = councils()
    found: list[nodes.Node] = [
        paragraph(
            f"The shipped list is version {listing.version}: {len(listing.current)} current councils with children's "
            f"services, and {len(listing.former)} former ones, which are accepted in a message written before the "
            "date they ceased:",
        )
    ]
    rows: list[list[Part]] = [
        [code(c.gss), c.dfe or "", c.name, c.ceased or ""]
        for c in sorted(listing.former.values(), key=lambda c: (c.ceased or "", c.gss))
    ]
    found.append(table(["GSS code", "DfE number", "Council", "Ceased"], rows, widths=[2, 1, 4, 2]))
    return found


def _sources() -> list[nodes.Node]:
    from concernshare.records import codes  # noqa: PLC0415

    rows = [[code(name), source] for name, source in codes.SOURCES.items()]
    return [table(["Code list", "Taken from"], rows, widths=[1, 3])]


def _patterns() -> list[nodes.Node]:
    from concernshare.chronology import Thresholds  # noqa: PLC0415
    from concernshare.chronology.export import PATTERN_TITLES  # noqa: PLC0415

    rows = [[code(str(kind)), title] for kind, title in PATTERN_TITLES.items()]
    defaults = [[code(f.name), _words(f.default)] for f in attrs.fields(Thresholds)]
    return [
        table(["Pattern", "Shown as"], rows, widths=[2, 3]),
        paragraph("The thresholds, each of which a deployment can set (", code("Thresholds"), "):"),
        table(["Threshold", "Default"], defaults, widths=[2, 1]),
    ]


def _withholdable() -> list[nodes.Node]:
    from concernshare import records  # noqa: PLC0415
    from concernshare.records._fields import META  # noqa: PLC0415

    rows = []
    for name in records.__all__:
        record = getattr(records, name)
        if isinstance(record, type) and attrs.has(record):
            rows.extend(
                [code(name), code(f.name), " ".join(f.metadata[META]["description"].split())]
                for f in attrs.fields(record)
                if f.metadata.get(META, {}).get("withholdable")
            )
    return [table(["Record", "Field", "Description"], rows, widths=[2, 2, 5])]


TABLES: Final[dict[str, Callable[[], list[nodes.Node]]]] = {
    "timescales": _timescales,
    "builtin-views": _views,
    "role-withholdings": _roles,
    "sensitivity-declarations": _sensitivity,
    "jose-kinds": _jose,
    "agency-schemes": _schemes,
    "council-list": _councils,
    "code-list-sources": _sources,
    "chronology-patterns": _patterns,
    "withholdable-fields": _withholdable,
}


def _directive(build: Callable[[], list[nodes.Node]]) -> type[SphinxDirective]:
    class Table(SphinxDirective):
        has_content = False

        def run(self) -> list[nodes.Node]:
            return build()

    return Table


def setup(app: Sphinx) -> None:
    """Register the role and the tables."""
    app.add_role("cs-value", ValueRole())
    for name, build in TABLES.items():
        app.add_directive(name, _directive(build))
