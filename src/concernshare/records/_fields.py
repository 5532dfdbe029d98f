"""One helper to declare a record field together with what the schema says about it.

The JSON Schema in ``schemas/`` is generated from these declarations, so the
schema and the Python types cannot drift apart.
"""

from __future__ import annotations

from typing import Any, Final

import attrs

__all__ = ["META", "field"]

#: The key under which a field's schema facts live in ``attrs`` metadata.
META: Final = "concernshare"

_NOTHING: Final[Any] = attrs.NOTHING


def field(
    description: str,
    *,
    default: Any = _NOTHING,
    pattern: str | None = None,
    max_length: int | None = None,
    min_length: int | None = None,
    min_items: int | None = None,
    max_items: int | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
    const: Any = _NOTHING,
    examples: tuple[Any, ...] = (),
    withholdable: bool = False,
) -> Any:
    """Declare a record field with its description and schema constraints.

    ``withholdable`` marks a field that the schema leaves
    optional because a view may withhold it, while a semantic check requires
    it unless ``view.withheld`` names it.
    """
    facts: dict[str, Any] = {"description": description}
    for key, value in (
        ("pattern", pattern),
        ("maxLength", max_length),
        ("minLength", min_length),
        ("minItems", min_items),
        ("maxItems", max_items),
        ("minimum", minimum),
        ("maximum", maximum),
    ):
        if value is not None:
            facts[key] = value
    if const is not _NOTHING:
        facts["const"] = const
    if examples:
        facts["examples"] = list(examples)
    if withholdable:
        facts["withholdable"] = True
    return attrs.field(default=default, metadata={META: facts})
