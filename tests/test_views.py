"""Tests for need-to-know views: each rule of the issue, and every view a valid message that says what it withheld."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from concernshare import codec
from concernshare.crypto import keys
from concernshare.directory import Directory, open_directory
from concernshare.errors import Severity
from concernshare.exchange import send
from concernshare.records import Message, RecipientRole, Status, WithheldReason
from concernshare.routing.plan import route
from concernshare.routing.rules import load_rules
from concernshare.routing.views import BUILTIN_VIEWS, FAMILY_FACING, Sensitivity, categories_for, redact
from concernshare.sealing import OpenPolicy, open_sealed
from concernshare.stores import MemoryStore
from concernshare.tracker import Tracker
from concernshare.validation import iter_problems

EXAMPLES = Path(__file__).parent.parent / "examples"
MESSAGES = EXAMPLES / "messages"
KEYS = EXAMPLES / "directory" / "keys"
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
MASH, SCHOOL, POLICE = "la:E06000032/mash", "school:999101", "police:99"

#: Roles that do not face the family: they receive what their view allows.
STATUTORY = (RecipientRole.MASH, RecipientRole.CHILDRENS_SOCIAL_CARE, RecipientRole.POLICE)
SCHOOLS = (RecipientRole.SCHOOL, RecipientRole.EARLY_YEARS)
VIEWS = sorted(BUILTIN_VIEWS)

REFERRER = "Sarah Whitlock"
REFUGE = "Refuge, 1 Hidden Lane"
THIRD_PARTIES = {"other_relative": "Olive", "household_member": "Harry", "protective_adult": "Petra", "other": "Otto"}
PERPETRATOR = "Rourke"
INFORMANT = "Neighbour at number 12"


def _document(prefix: str) -> dict[str, Any]:
    (path,) = MESSAGES.glob(f"{prefix}*.json")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _rich_subject(subject: dict[str, Any]) -> None:
    """Give the child a confidential address, health details and every kind of related person."""
    subject["health_needs"] = "Faltering growth under paediatric review."
    subject["sexual_health"] = "Nothing of concern is known."
    subject["addresses"] = [
        {"lines": [REFUGE, "Luton"], "postcode": "LU9 9ZY", "uprn": "100080000001", "confidential": True},
        {"lines": ["14 Example Close", "Luton"], "postcode": "LU9 9ZZ", "confidential": False, "current": False},
    ]
    people = subject["related_people"]
    people[0]["offending"] = "A caution for shoplifting in 2011."
    people[0]["address"] = {"lines": [REFUGE, "Luton"], "postcode": "LU9 9ZY", "confidential": True}
    for relationship, given in THIRD_PARTIES.items():
        people.append(
            {
                "relationship": relationship,
                "name": {"given": given, "family": "Thirdparty"},
                "birth_date": "1970-01-01",
                "identifiers": {"nhs_number": "9990000069"},
                "address": {"lines": ["3 Other Road", "Luton"], "postcode": "LU9 9ZX"},
            }
        )
    people.append(
        {
            "relationship": "alleged_perpetrator",
            "name": {"given": "Dean", "family": PERPETRATOR},
            "birth_date": "1988-10-02",
            "identifiers": {"police_reference": "EX-99-P-0088213"},
            "offending": "Alleged assault on a previous partner.",
        }
    )


def _concern(*, anonymous: bool = True) -> Message:
    """Example 01 with a referrer who asked for anonymity, and every sensitive category present."""
    document = _document("01")
    document["sender"]["anonymity_requested"] = anonymous
    document["lawful_basis"]["conditions"].append("uk_gdpr_10_dpa_sch1_part3")  # alleged offences (CS134)
    document["lawful_basis"]["article_10_paragraph"] = "sch1_para_18"
    _rich_subject(document["subject"])
    return codec.loads(json.dumps(document))


def _notification(*markings: str) -> Message:
    """Example 09 (police to school and MASH), with police intelligence, the mother's health and the perpetrator."""
    document = _document("09-domestic-abuse-notification-police")
    document["handling"]["markings"] += list(markings)
    return codec.loads(json.dumps(document))


def _view_of(message: Message, role: RecipientRole, view: str = "full") -> Message:
    return redact(message, view=view, denied=categories_for(BUILTIN_VIEWS[view], [role]), recipients=[POLICE])


def _text(message: Message) -> str:
    return codec.dumps(message).decode("utf-8")


def _withheld(message: Message) -> dict[str, WithheldReason]:
    assert message.view is not None
    return {item.pointer: item.reason for item in message.view.withheld}


def _leaves(value: Any, pointer: str = "") -> Iterator[str]:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _leaves(item, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from _leaves(item, f"{pointer}/{index}")
    else:
        yield pointer


def _resolve(document: Any, pointer: str) -> Any:
    for escaped in pointer.split("/")[1:]:
        token = escaped.replace("~1", "/").replace("~0", "~")
        document = document[int(token)] if isinstance(document, list) else document[token]
    return document


# -- a school --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", SCHOOLS)
@pytest.mark.parametrize("view", VIEWS)
def test_a_school_never_receives_adult_health_or_police_intelligence(role: RecipientRole, view: str) -> None:
    """Whatever view a rule names, even full, a school gets no adult health, police intelligence or offending."""
    for message in (_concern(), _notification()):
        seen = _view_of(message, role, view)
        for person in seen.subject.related_people:
            assert person.health is None
            assert person.offending is None
        assert getattr(seen.body, "police_intelligence", None) is None
        for pointer in _withheld(seen):
            assert not pointer.endswith(("/health", "/offending", "/police_intelligence", "/police_reference"))
        assert seen.view is not None
        assert seen.view.more_withheld is True
    notification = _view_of(_notification(), role, view)
    assert "depression" not in _text(notification)


@pytest.mark.parametrize("role", [*SCHOOLS, *sorted(FAMILY_FACING)])
def test_the_view_does_not_reveal_that_police_intelligence_exists(role: RecipientRole) -> None:
    """A view of a message with police intelligence, offending and adult health says exactly what a view of the
    same message without them says: "some information withheld by the sender", no pointer, no category."""
    rich = _notification()
    document = json.loads(codec.dumps(rich))
    document["body"].pop("police_intelligence")
    for person in document["subject"]["related_people"]:
        for member in ("health", "offending"):
            person.pop(member, None)
        person.get("identifiers", {}).pop("police_reference", None)
    plain = codec.loads(json.dumps(document))
    assert rich != plain
    with_intelligence, without = _view_of(rich, role, "full"), _view_of(plain, role, "full")
    assert with_intelligence.view == without.view
    assert with_intelligence.view is not None
    assert with_intelligence.view.more_withheld is True
    categories = {str(category) for category in Sensitivity}
    for item in with_intelligence.view.withheld:
        assert not any(word in item.pointer for word in ("police", "offending", "health", "intelligence"))
        assert str(item.reason) not in categories


@pytest.mark.parametrize("role", STATUTORY)
def test_a_full_view_for_the_statutory_partners_withholds_nothing(role: RecipientRole) -> None:
    """The MASH, social care and the police get everything, and no notice that anything was withheld."""
    seen = _view_of(_notification(), role)
    assert seen.view is not None
    assert (seen.view.withheld, seen.view.more_withheld) == ((), None)


def test_a_rule_naming_full_for_a_school_still_withholds() -> None:
    """A rule set that gives the child's school the full view is planned with the school's withholdings."""
    rules = {
        "format_version": "1.0",
        "name": "Careless rules",
        "rules": [
            {
                "id": "everything-to-school",
                "description": "Gives the school everything.",
                "when": {"types": ["domestic_abuse_notification"]},
                "deliver": [{"to": {"child_setting": "school"}, "view": "full"}],
            }
        ],
    }
    plan = route(_notification(), load_rules(json.dumps(rules)), _directory(), NOW)
    (delivery,) = plan.deliveries
    assert (delivery.recipient, delivery.view) == (SCHOOL, "full")
    assert {Sensitivity.ADULT_HEALTH, Sensitivity.POLICE_INTELLIGENCE} <= set(delivery.withheld_categories)


HOUSEHOLD_ROLES = (RecipientRole.HEALTH_VISITING, RecipientRole.GP, RecipientRole.SCHOOL, RecipientRole.EARLY_HELP)


@pytest.mark.parametrize("role", HOUSEHOLD_ROLES)
@pytest.mark.parametrize("view", VIEWS)
def test_the_adults_in_the_household_reach_the_health_visitor_gp_school_and_early_help(
    role: RecipientRole,
    view: str,
) -> None:
    """The alleged perpetrator is named, with his birth date, to every role; his offending and police
    reference are not: views withhold by the sensitivity of the information, not by the person."""
    for message in (_concern(), _notification()):
        seen = _view_of(message, role, view)
        perpetrators = [p for p in seen.subject.related_people if p.relationship == "alleged_perpetrator"]
        assert perpetrators
        for person in perpetrators:
            assert person.name is not None
            assert person.name.family == PERPETRATOR
            assert person.birth_date is not None
            assert person.offending is None
        assert "EX-99-P-0088213" not in _text(seen)
        assert "assault" not in _text(seen)


# -- the referrer ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(FAMILY_FACING))
def test_the_referrers_identity_is_withheld_where_anonymity_was_asked(role: RecipientRole) -> None:
    """A family-facing role gets neither the referrer's name nor contact when the referrer asked for anonymity."""
    seen = _view_of(_concern(anonymous=True), role)
    assert seen.sender.practitioner.name is None
    assert seen.sender.practitioner.contact is None
    assert _withheld(seen)["/sender/practitioner/name"] is WithheldReason.IDENTITY_PROTECTED
    assert "/sender/practitioner/contact" not in _withheld(seen)  # optional: covered by more_withheld


@pytest.mark.parametrize("role", sorted(FAMILY_FACING))
def test_the_referrers_identity_is_shared_where_anonymity_was_not_asked(role: RecipientRole) -> None:
    """Without a request for anonymity the referrer's name and contact reach a family-facing role."""
    seen = _view_of(_concern(anonymous=False), role)
    assert seen.sender.practitioner.name == REFERRER
    assert seen.sender.practitioner.contact is not None
    assert not any(pointer.startswith("/sender/") for pointer in _withheld(seen))


@pytest.mark.parametrize("role", STATUTORY)
def test_the_statutory_partners_know_an_anonymous_referrer(role: RecipientRole) -> None:
    """Anonymity is from the family: the MASH, social care and the police still learn who referred."""
    assert _view_of(_concern(anonymous=True), role).sender.practitioner.name == REFERRER


def test_an_anonymous_referrers_name_appears_nowhere_in_a_family_facing_view() -> None:
    """Where the referrer also made the decision to share, the name is withheld there too."""
    document = _document("01")
    document["sender"]["anonymity_requested"] = True
    document["sharing_decision"]["decided_by"] = document["sender"]["practitioner"]
    seen = _view_of(codec.loads(json.dumps(document)), RecipientRole.GP, "health")
    assert REFERRER not in _text(seen)


# -- a confidential address ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(FAMILY_FACING))
@pytest.mark.parametrize("view", VIEWS)
def test_a_confidential_address_never_reaches_a_family_facing_role(role: RecipientRole, view: str) -> None:
    """No family-facing role gets a confidential address, the child's or a parent's, under any view."""
    seen = _view_of(_concern(), role, view)
    assert REFUGE not in _text(seen)
    assert "LU9 9ZY" not in _text(seen)
    assert "100080000001" not in _text(seen)
    withheld = _withheld(seen)
    for pointer in ("/subject/addresses/0/lines", "/subject/related_people/0/address/lines"):
        assert withheld[pointer] is WithheldReason.LOCATION_PROTECTED
    for pointer in ("/subject/addresses/0/postcode", "/subject/addresses/0/uprn"):
        assert pointer not in withheld
    assert seen.subject.addresses[1].lines == ("14 Example Close", "Luton")
    assert seen.subject.addresses[1].postcode == "LU9 9ZZ"


@pytest.mark.parametrize("role", STATUTORY)
def test_a_confidential_address_reaches_the_statutory_partners(role: RecipientRole) -> None:
    """The MASH, social care and the police, in the full view, get the confidential address."""
    seen = _view_of(_concern(), role)
    assert seen.subject.addresses[0].lines == (REFUGE, "Luton")
    assert seen.view is not None
    assert seen.view.withheld == ()


def test_an_incident_at_a_confidential_address_is_not_located_for_the_school() -> None:
    """With the confidential_address marking, the incident location is withheld from the school; without, kept."""
    marked = _view_of(_notification("confidential_address"), RecipientRole.SCHOOL, "education")
    assert _withheld(marked)["/body/incident_location"] is WithheldReason.LOCATION_PROTECTED
    assert "The family home" not in _text(marked)
    unmarked = _view_of(_notification(), RecipientRole.SCHOOL, "education")
    assert getattr(unmarked.body, "incident_location", None) == "The family home"


@pytest.mark.parametrize(
    ("role", "view"),
    [(RecipientRole.SCHOOL, "education"), (RecipientRole.GP, "health"), (RecipientRole.POLICE, "full")],
)
def test_the_police_investigation_marking_reaches_every_view_and_withholds_nothing_itself(
    role: RecipientRole, view: str
) -> None:
    """police_investigation is an instruction every reader must honour, so every view keeps it; what a view withholds
    is decided by sensitivity alone, so a marked notification's view differs from an unmarked one's only by the
    marking."""
    marked = _view_of(_notification("police_investigation"), role, view)
    plain = _view_of(_notification(), role, view)
    assert "police_investigation" in marked.handling.markings
    marked_document, plain_document = json.loads(_text(marked)), json.loads(_text(plain))
    marked_document["handling"]["markings"].remove("police_investigation")
    assert marked_document == plain_document


# -- third parties ---------------------------------------------------------------------------------------------


def _protecting(index: int) -> Message:
    """The rich concern, with the sender asking to protect the identity of related person ``index``."""
    document = json.loads(codec.dumps(_concern()))
    document["subject"]["related_people"][index]["protect_identity"] = True
    return codec.loads(json.dumps(document))


@pytest.mark.parametrize("role", sorted(FAMILY_FACING))
def test_household_members_and_relatives_are_named_and_informants_are_not(role: RecipientRole) -> None:
    """Related people of every kind are named to the family's practitioners; an informant is not."""
    seen = _view_of(_concern(), role)
    assert INFORMANT not in _text(seen)
    assert "/body/observations/1/informant" not in _withheld(seen)
    for given in THIRD_PARTIES.values():
        assert given in _text(seen)


@pytest.mark.parametrize("role", sorted(FAMILY_FACING))
def test_a_person_the_sender_protects_is_not_identified(role: RecipientRole) -> None:
    """Where the sender asks to protect a person, their name, identifiers, birth date and address are withheld
    from family-facing roles; the name, which the format requires, is listed as identity_protected."""
    message = _concern()
    index = [p.relationship for p in message.subject.related_people].index("other_relative")
    seen = _view_of(_protecting(index), role)
    person = seen.subject.related_people[index]
    assert (person.name, person.identifiers, person.birth_date, person.address) == (None, None, None, None)
    assert _withheld(seen)[f"/subject/related_people/{index}/name"] is WithheldReason.IDENTITY_PROTECTED
    assert THIRD_PARTIES["other_relative"] not in _text(seen)
    assert "3 Other Road" in _text(seen)  # the other relatives' addresses stay
    assert [p.name for p in seen.subject.related_people].count(None) == 1


def test_the_mash_knows_the_third_parties() -> None:
    """The MASH's full view names informants and third parties."""
    seen = _view_of(_protecting(0), RecipientRole.MASH)
    assert INFORMANT in _text(seen)
    for given in THIRD_PARTIES.values():
        assert given in _text(seen)


# -- every view ------------------------------------------------------------------------------------------------


def _distinct_views() -> list[tuple[str, RecipientRole]]:
    """One role for each different set of withheld categories under each view (validation is slow)."""
    found: dict[tuple[str, frozenset[Sensitivity]], RecipientRole] = {}
    for view in VIEWS:
        for role in RecipientRole:
            found.setdefault((view, categories_for(BUILTIN_VIEWS[view], [role])), role)
    return [(view, role) for (view, _), role in found.items()]


@pytest.mark.parametrize(("view", "role"), _distinct_views())
def test_every_view_is_a_valid_message_that_lists_what_it_withheld(view: str, role: RecipientRole) -> None:
    """Each view names itself, keeps the id, sets recipients, lists every removed field, and validates."""
    for message in (_concern(), _notification("confidential_address")):
        seen = redact(message, view=view, denied=categories_for(BUILTIN_VIEWS[view], [role]), recipients=[MASH, POLICE])
        assert seen.view is not None
        assert seen.view.name == view
        assert seen.id == message.id
        assert seen.recipients == (MASH, POLICE)
        original = json.loads(codec.dumps(message))
        redacted = json.loads(codec.dumps(seen))
        withheld = _withheld(seen)
        for pointer, reason in withheld.items():
            assert reason in set(WithheldReason)
            _resolve(original, pointer)
            with pytest.raises((KeyError, IndexError)):
                _resolve(redacted, pointer)
        kept = set(_leaves(redacted))
        removed = [leaf for leaf in _leaves(original) if leaf not in kept]
        listed = [leaf for leaf in removed if any(leaf == p or leaf.startswith(p + "/") for p in withheld)]
        assert listed == removed or seen.view.more_withheld is True
        assert (seen.view.more_withheld is True) == bool(categories_for(BUILTIN_VIEWS[view], [role]))
        errors = [p for p in iter_problems(codec.dumps(seen)) if p.severity is Severity.ERROR]
        assert errors == []


def test_reasons_tip_nobody_off() -> None:
    """Reasons are only the four code-list values, and none of them names what kind of thing was withheld."""
    seen = _view_of(_concern(), RecipientRole.SCHOOL, "education")
    notification = _view_of(_notification("confidential_address"), RecipientRole.SCHOOL, "education")
    reasons = {*_withheld(seen).values(), *_withheld(notification).values()}
    assert reasons <= set(WithheldReason)
    assert {str(r) for r in WithheldReason} == {
        "not_needed_for_role",
        "identity_protected",
        "location_protected",
        "restricted_by_source",
    }
    categories = {str(category) for category in Sensitivity}
    for reason in reasons:
        assert str(reason) not in categories
        for word in (
            "health",
            "police",
            "intelligence",
            "criminal",
            "offend",
            "perpetrator",
            "sexual",
            "address",
            "referrer",
            "allegation",
            "third_party",
        ):
            assert word not in str(reason)


def test_redacting_a_view_again_keeps_what_was_withheld() -> None:
    """A view redacted further lists both what was withheld before and what is withheld now."""
    first = redact(_concern(), view="health", denied=frozenset({Sensitivity.CONFIDENTIAL_ADDRESS}), recipients=[MASH])
    second = redact(first, view="education", denied=BUILTIN_VIEWS["education"], recipients=[SCHOOL])
    assert set(_withheld(first)) < set(_withheld(second))
    assert second.view is not None
    assert second.view.name == "education"
    assert second.view.more_withheld is True


# -- the domestic-abuse notification, as sent ------------------------------------------------------------------


def _directory() -> Directory:
    authority = keys.loads_public_jwk_set((KEYS / "authority.public.jwks").read_bytes())
    return open_directory((EXAMPLES / "directory" / "directory.jws").read_bytes(), authority, now=NOW)


def _private(agency: str) -> tuple[keys.PrivateJwk, ...]:
    path = KEYS / f"{agency.replace(':', '_').replace('/', '_')}.private.jwks"
    return keys.loads_private_jwk_set(path.read_bytes())


def test_a_domestic_abuse_notification_reaches_the_school_without_adult_health_data() -> None:
    """Routed and sent by the police, the notification's sealed school view opens without adult health data."""
    directory = _directory()
    rules = load_rules((EXAMPLES / "routing" / "mash-front-door.json").read_bytes())
    document = _document("09-domestic-abuse-notification-police")
    del document["sent"]
    message = codec.loads(json.dumps(document))
    sent = send(
        message,
        keys.signer_from(_private(POLICE)),
        rules=rules,
        directory=directory,
        tracker=Tracker(MemoryStore()),
        at=NOW,
    )
    assert {(v.view, v.recipients) for v in sent.views} == {("education", (SCHOOL,)), ("full", (MASH,))}
    (sealed,) = (v.sealed for v in sent.views if SCHOOL in v.recipients)
    opened = open_sealed(
        sealed,
        keys.decrypters_from(_private(SCHOOL)),
        me=SCHOOL,
        directory=directory,
        store=MemoryStore(),
        now=NOW + dt.timedelta(minutes=1),
        policy=OpenPolicy(accept_status=frozenset({Status.ACTUAL, Status.EXERCISE})),
    ).message
    assert [person.health for person in opened.subject.related_people] == [None, None, None]
    (perpetrator,) = (p for p in opened.subject.related_people if p.relationship == "alleged_perpetrator")
    assert perpetrator.name is not None  # routed by the example rules, the man in the home reaches the school
    assert (perpetrator.name.family, perpetrator.offending) == (PERPETRATOR, None)
    assert opened.view is not None
    assert (opened.view.withheld, opened.view.more_withheld) == ((), True)
    assert getattr(opened.body, "police_intelligence", None) is None
    assert "depression" not in _text(opened)
    assert opened.recipients == (SCHOOL,)
    assert opened.id == message.id
    published = codec.loads(json.dumps(_document("09-domestic-abuse-notification-school-view")))
    assert opened == attrs.evolve(published, sent=NOW)
