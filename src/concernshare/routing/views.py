"""Need-to-know views: what each recipient receives, and what is withheld from it.

The sensitivity of every field is declared once, here, in :data:`SENSITIVITY`
(DESIGN.md's named categories), not as a custom JSON Schema keyword. A role's
policy (:data:`ROLE_WITHHOLDS`) is the most it may receive whatever view a
rule names: a school never receives adult health details or police
intelligence. A redacted message names its view, keeps the message's id, and
still validates.

Views withhold by the sensitivity of the information, never by the person:
the adults in the child's household, a mother's partner and an alleged
perpetrator included, are named to every recipient, because knowing who is in
the home is the point of the share; their health, offending and police
references are what a role may be denied. Only a person the sender asked to
protect (``protect_identity``), an informant, an anonymous referrer and a
confidential address are kept from family-facing roles.

What the view lists must not itself reveal what existed. Fields the format
requires unless a view withholds them (a name, an address's lines) are listed
in ``view.withheld`` with a reason that tips nobody off; every other removed
field is not listed, and every view that denies any category says, with
``view.more_withheld``, that some information may have been withheld by the
sender, whether or not the message held any.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Final

import attrs

from concernshare import codec
from concernshare.checks import walk
from concernshare.records import Marking, Message, RecipientRole, WithheldReason
from concernshare.records._fields import META
from concernshare.strictjson import escape_pointer

__all__ = [
    "BUILTIN_VIEWS",
    "FAMILY_FACING",
    "ROLE_WITHHOLDS",
    "SENSITIVITY",
    "Declaration",
    "Sensitivity",
    "categories_for",
    "redact",
]


class Sensitivity(enum.StrEnum):
    """What kind of sensitive content a field holds (DESIGN.md section 6)."""

    ADULT_HEALTH = "adult_health"
    CHILD_HEALTH = "child_health"
    SEXUAL_HEALTH = "sexual_health"
    POLICE_INTELLIGENCE = "police_intelligence"
    CRIMINAL_ALLEGATION = "criminal_allegation"
    THIRD_PARTY_IDENTITY = "third_party_identity"
    REFERRER_IDENTITY = "referrer_identity"
    CONFIDENTIAL_ADDRESS = "confidential_address"


Predicate = Callable[[Mapping[str, Any], Mapping[str, Any]], bool]


def _always(_root: Mapping[str, Any], _parent: Mapping[str, Any]) -> bool:
    return True


def _anonymous(root: Mapping[str, Any], _parent: Mapping[str, Any]) -> bool:
    return bool(root.get("sender", {}).get("anonymity_requested"))


def _referrer(root: Mapping[str, Any], parent: Mapping[str, Any]) -> bool:
    """The anonymous referrer named again elsewhere (as the one who decided to share, say)."""
    name = root.get("sender", {}).get("practitioner", {}).get("name")
    return _anonymous(root, parent) and name is not None and parent.get("name") == name


def _confidential(_root: Mapping[str, Any], parent: Mapping[str, Any]) -> bool:
    return bool(parent.get("confidential"))


def _protected(_root: Mapping[str, Any], parent: Mapping[str, Any]) -> bool:
    """A person the sender asked to protect (they might come to harm if an abuser learnt who they are)."""
    return parent.get("protect_identity") is True


def _marked(marking: Marking) -> Predicate:
    return lambda root, _parent: str(marking) in root.get("handling", {}).get("markings", [])


@attrs.frozen
class Declaration:
    """A field (a pointer pattern; ``*`` matches any array index) and its category, when ``applies``."""

    pattern: str
    category: Sensitivity
    applies: Predicate = _always


_ADDRESS: Final = ("lines", "postcode", "uprn")

#: The one declaration of every sensitive field.
SENSITIVITY: Final[tuple[Declaration, ...]] = (
    Declaration("/sender/practitioner/name", Sensitivity.REFERRER_IDENTITY, _anonymous),
    Declaration("/sender/practitioner/contact", Sensitivity.REFERRER_IDENTITY, _anonymous),
    *(
        Declaration(f"{where}/{member}", Sensitivity.REFERRER_IDENTITY, _referrer)
        for where in ("/sharing_decision/decided_by", "/body/decided_by", "/body/received_by", "/body/assessor")
        for member in ("contact", "name")
    ),
    *(Declaration(f"/subject/addresses/*/{m}", Sensitivity.CONFIDENTIAL_ADDRESS, _confidential) for m in _ADDRESS),
    *(
        Declaration(f"/subject/related_people/*/address/{m}", Sensitivity.CONFIDENTIAL_ADDRESS, _confidential)
        for m in _ADDRESS
    ),
    Declaration("/subject/health_needs", Sensitivity.CHILD_HEALTH),
    Declaration("/body/growth", Sensitivity.CHILD_HEALTH),
    Declaration("/subject/sexual_health", Sensitivity.SEXUAL_HEALTH),
    Declaration("/subject/related_people/*/health", Sensitivity.ADULT_HEALTH),
    Declaration("/subject/related_people/*/offending", Sensitivity.CRIMINAL_ALLEGATION),
    *(
        Declaration(f"/subject/related_people/*/{member}", Sensitivity.THIRD_PARTY_IDENTITY, _protected)
        for member in ("name", "identifiers", "birth_date", "address")
    ),
    Declaration("/subject/related_people/*/identifiers/police_reference", Sensitivity.POLICE_INTELLIGENCE),
    Declaration("/body/observations/*/informant", Sensitivity.THIRD_PARTY_IDENTITY),
    Declaration("/body/police_intelligence", Sensitivity.POLICE_INTELLIGENCE),
    Declaration("/body/incident_location", Sensitivity.CONFIDENTIAL_ADDRESS, _marked(Marking.CONFIDENTIAL_ADDRESS)),
)

#: The reason code a view gives for each category: none of them says what was there.
_REASONS: Final = {
    Sensitivity.ADULT_HEALTH: WithheldReason.NOT_NEEDED_FOR_ROLE,
    Sensitivity.CHILD_HEALTH: WithheldReason.NOT_NEEDED_FOR_ROLE,
    Sensitivity.SEXUAL_HEALTH: WithheldReason.NOT_NEEDED_FOR_ROLE,
    Sensitivity.POLICE_INTELLIGENCE: WithheldReason.NOT_NEEDED_FOR_ROLE,
    Sensitivity.CRIMINAL_ALLEGATION: WithheldReason.NOT_NEEDED_FOR_ROLE,
    Sensitivity.THIRD_PARTY_IDENTITY: WithheldReason.IDENTITY_PROTECTED,
    Sensitivity.REFERRER_IDENTITY: WithheldReason.IDENTITY_PROTECTED,
    Sensitivity.CONFIDENTIAL_ADDRESS: WithheldReason.LOCATION_PROTECTED,
}

#: Roles that work face to face with the family: a confidential address or an anonymous referrer never reaches them.
FAMILY_FACING: Final = frozenset(
    {
        RecipientRole.SCHOOL,
        RecipientRole.EARLY_YEARS,
        RecipientRole.GP,
        RecipientRole.HEALTH_VISITING,
        RecipientRole.SCHOOL_NURSING,
        RecipientRole.MIDWIFERY,
        RecipientRole.HOSPITAL,
        RecipientRole.CAMHS,
        RecipientRole.ADULT_MENTAL_HEALTH,
        RecipientRole.SUBSTANCE_MISUSE,
        RecipientRole.HOUSING,
        RecipientRole.EARLY_HELP,
        RecipientRole.PROBATION,
        RecipientRole.YOUTH_JUSTICE,
    }
)
_FAMILY: Final = frozenset(
    {Sensitivity.CONFIDENTIAL_ADDRESS, Sensitivity.REFERRER_IDENTITY, Sensitivity.THIRD_PARTY_IDENTITY}
)
_POLICE: Final = frozenset({Sensitivity.POLICE_INTELLIGENCE, Sensitivity.CRIMINAL_ALLEGATION})
_EDUCATION: Final = _FAMILY | _POLICE | {Sensitivity.ADULT_HEALTH, Sensitivity.SEXUAL_HEALTH}

#: The categories each role never receives, whatever view a rule names.
ROLE_WITHHOLDS: Final[Mapping[RecipientRole, frozenset[Sensitivity]]] = {
    role: (
        _EDUCATION
        if role in {RecipientRole.SCHOOL, RecipientRole.EARLY_YEARS}
        else _FAMILY | _POLICE
        if role in FAMILY_FACING
        else frozenset()
    )
    for role in RecipientRole
}

#: Views every rule set may name without defining them.
BUILTIN_VIEWS: Final[Mapping[str, frozenset[Sensitivity]]] = {
    "full": frozenset(),
    "health": _FAMILY | _POLICE,
    "education": _EDUCATION,
    "family_facing": _FAMILY | _POLICE | {Sensitivity.SEXUAL_HEALTH},
}


def categories_for(view: Iterable[Sensitivity], roles: Iterable[RecipientRole]) -> frozenset[Sensitivity]:
    """What a recipient with ``roles`` is denied under a view: the view's and every role's withholdings."""
    denied = set(view)
    for role in roles:
        denied |= ROLE_WITHHOLDS[role]
    return frozenset(denied)


def _matches(node: Any, tokens: list[str], pointer: str) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Yield (pointer, parent object, member) for every place a pattern's tokens reach."""
    head, *rest = tokens
    if not rest:
        if isinstance(node, dict) and head in node:
            yield f"{pointer}/{escape_pointer(head)}", node, head
        return
    if head == "*":
        children = enumerate(node) if isinstance(node, list) else ()
        for index, child in children:
            yield from _matches(child, rest, f"{pointer}/{index}")
    elif isinstance(node, dict) and head in node:
        yield from _matches(node[head], rest, f"{pointer}/{escape_pointer(head)}")


def _prune(node: Any, emptied: set[int]) -> None:
    """Remove, depth first, every object that redaction left empty."""
    items = list(node.items()) if isinstance(node, dict) else list(enumerate(node)) if isinstance(node, list) else []
    for key, child in items:
        _prune(child, emptied)
        if isinstance(node, dict) and isinstance(child, dict) and not child and id(child) in emptied:
            del node[key]


def _required_unless_withheld(message: Message) -> frozenset[str]:
    """The pointers of the fields present in ``message`` that the format requires unless a view lists them."""
    return frozenset(
        pointer
        for pointer, value, attribute in walk(message)
        if attribute is not None and value is not None and attribute.metadata.get(META, {}).get("withholdable")
    )


def redact(message: Message, *, view: str, denied: frozenset[Sensitivity], recipients: Iterable[str]) -> Message:
    """Return the view of ``message`` with every denied field withheld and ``recipients`` set.

    Raises :class:`~concernshare.errors.InvalidRecord` if the result would not
    be a valid message (which a declaration here would have to be wrong for).
    """
    data = codec.unstructure(message)
    original = codec.unstructure(message)  # predicates read what the message said, not what is left of it
    required = _required_unless_withheld(message)
    withheld: dict[str, WithheldReason] = {
        item.pointer: item.reason for item in (message.view.withheld if message.view else ())
    }
    emptied: set[int] = set()
    for declaration in SENSITIVITY:
        if declaration.category not in denied:
            continue
        for pointer, parent, member in list(_matches(data, declaration.pattern.split("/")[1:], "")):
            if member in parent and declaration.applies(original, parent):
                del parent[member]
                emptied.add(id(parent))
                if pointer in required:
                    withheld.setdefault(pointer, _REASONS[declaration.category])
    _prune(data, emptied)  # an object left empty would show that something was in it
    data["view"] = {"name": view, "withheld": [{"pointer": p, "reason": str(r)} for p, r in sorted(withheld.items())]}
    if denied or (message.view is not None and message.view.more_withheld):
        data["view"]["more_withheld"] = True
    data["recipients"] = list(recipients)
    return codec.structure(data, Message)
