"""(Re)write the generated parts of the concernshare conformance suite, deterministically.

Run from the repository root: ``.venv/bin/python conformance/generate.py`` (or ``--out DIR`` to write
somewhere else; ``tests/test_conformance.py`` does that and compares the result with what is committed).
It writes ``keys/``, ``messages/``, ``sealed/``, ``directories/``, ``routing/`` and ``deadlines/`` beside
this file and removes stale files there; ``README.md`` and this script are written by hand.

Everything is reproducible: the example messages, keys and directory come from ``examples/``; the extra
keys, ephemeral keys, content keys and ivs are SHA-256 hashes of fixed labels; Ed25519 signatures are
deterministic and ES256 ones use RFC 6979. EVERY KEY HERE IS PUBLISHED AND FOR TESTS ONLY.

The expected outcomes of the new cases are written here by hand (pointer, code, layer, refusal class);
the library only fills in what it must produce byte for byte (sealed documents, signed directories, the
plans of the routing cases, each checked against a hand-written list of recipients).
"""

# The descriptions are sentences: their lines are as long as they need to be.
# ruff: noqa: E501

from __future__ import annotations

import argparse
import base64
import copy
import datetime as dt
import hashlib
import json
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from concernshare import codec, deadlines, strictjson, validation
from concernshare.crypto import _jose, keys
from concernshare.crypto._b64 import b64encode
from concernshare.directory import (
    DIRECTORY_VERSION,
    Directory,
    DirectoryAgency,
    DirectoryKey,
    Jwk,
    Revocation,
    open_directory,
    sign_directory,
)
from concernshare.records import AgencyId, AgencyKind, Message, RecipientRole, RevocationReason
from concernshare.routing.plan import RoutingError, route
from concernshare.routing.rules import load_rules

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
EXAMPLES = REPO / "examples"
DEADLINE_CASES = REPO / "tests" / "data" / "deadline_cases.json"
#: The folders this script owns; everything else under conformance/ is written by hand.
GENERATED = ("keys", "messages", "sealed", "directories", "routing", "deadlines")

Doc = dict[str, Any]
Files = dict[str, bytes]

UTC = dt.UTC
SEALED_AT = dt.datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
OPENED_AT = dt.datetime(2026, 11, 25, 10, 1, tzinfo=UTC)
DIRECTORY_ISSUED = dt.datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
DIRECTORY_NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
DIRECTORY_EXPIRES = dt.datetime(2036, 1, 1, tzinfo=UTC)
NOT_BEFORE = dt.datetime(2012, 1, 1, tzinfo=UTC)
CONFORMANCE_SERIAL = 7
WINDOW = dt.timedelta(days=7)
SKEW = dt.timedelta(minutes=5)

HV, MASH, CSC, GP = "ods:Y99HV/health-visiting", "la:E06000032/mash", "la:E06000032/childrens-social-care", "ods:Y99GP"
POLICE, SCHOOL, ED = "police:99", "school:999101", "ods:Y99AC/emergency-department"
ES, RV, NB = "ods:Y99ES", "ods:Y99RV", "ods:Y99NB"
LUTON = "E06000032"


# -- writing -----------------------------------------------------------------------------------


def time(moment: dt.datetime) -> str:
    """RFC 3339 in UTC with Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def pretty(value: Any) -> bytes:
    """The suite's JSON files: UTF-8, indented by two, members in the order given, a final newline."""
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def secret(label: str, size: int = 32) -> bytes:
    """A fixed, published secret: the first ``size`` bytes of SHA-256 of a label."""
    return hashlib.sha256(f"concernshare conformance, test only: {label}".encode()).digest()[:size]


def slug(agency: str) -> str:
    return agency.replace(":", "_").replace("/", "_")


# -- keys --------------------------------------------------------------------------------------


def example_keys(name: str) -> tuple[keys.PrivateJwk, ...]:
    return keys.read_private_jwk_set(EXAMPLES / "directory" / "keys" / f"{name}.private.jwks")


def derived_key(label: str, crv: str) -> keys.PrivateJwk:
    """A key made from a fixed label (so it is the same on every run): published, test only."""
    use, alg = ("sig", "Ed25519") if crv == "Ed25519" else ("enc", _jose.KEY_ALG)
    if crv == "ES256":
        crv, use, alg = "P-256", "sig", "ES256"
    return keys._private_jwk(_jose.load_private(crv, secret(f"key {label}")), use=use, alg=alg)


@attrs.frozen
class DeterministicES256:
    """An ES256 signer with RFC 6979 nonces, so that the suite's ES256 signatures are reproducible."""

    kid: str
    alg: str
    d: bytes = attrs.field(repr=False)

    def sign(self, data: bytes) -> bytes:
        key = ec.derive_private_key(int.from_bytes(self.d, "big"), ec.SECP256R1())
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256(), deterministic_signing=True)))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def signer(jwks: Sequence[keys.PrivateJwk]) -> Any:
    found = [k for k in jwks if k.public.use == "sig"]
    if found[0].public.alg == "ES256":
        return DeterministicES256(found[0].kid, "ES256", found[0].d)
    return keys.signer_from(jwks)


#: Key sets of the suite, by file stem: the examples' keys, and a few more made from labels.
EXAMPLE_KEY_NAMES = sorted(p.name.removesuffix(".private.jwks") for p in (EXAMPLES / "directory" / "keys").glob(
    "*.private.jwks"))
KEYSETS: dict[str, tuple[keys.PrivateJwk, ...]] = {name: example_keys(name) for name in EXAMPLE_KEY_NAMES}
KEYSETS |= {
    "other-authority": (derived_key("other-authority signing", "Ed25519"),),
    "la_E06000032_mash-rotated": (derived_key("mash rotated encryption", "P-256"),),
    slug(ES): (derived_key("Y99ES signing", "ES256"), derived_key("Y99ES encryption", "P-256")),
    slug(RV): (derived_key("Y99RV signing", "Ed25519"), derived_key("Y99RV encryption", "X25519")),
    slug(NB): (derived_key("Y99NB signing", "Ed25519"), derived_key("Y99NB encryption", "X25519")),
    "outsider": (derived_key("outsider signing", "Ed25519"), derived_key("outsider encryption", "X25519")),
}
NEW_KEYSETS = ("other-authority", "la_E06000032_mash-rotated", slug(ES), slug(RV), slug(NB), "outsider")


def key_files() -> Files:
    files: Files = {}
    for name, jwks in KEYSETS.items():
        files[f"keys/{name}.private.jwks"] = keys.dumps_private_jwk_set(jwks)
        files[f"keys/{name}.public.jwks"] = keys.dumps_public_jwk_set(k.public for k in jwks)
    return files


def sig(name: str) -> keys.PrivateJwk:
    return next(k for k in KEYSETS[name] if k.public.use == "sig")


# -- directories -------------------------------------------------------------------------------


def directory_key(jwk: keys.PrivateJwk, *, not_before: dt.datetime = NOT_BEFORE,
                  revocation: Revocation | None = None) -> DirectoryKey:
    return DirectoryKey(jwk=Jwk(**jwk.public.to_dict()), not_before=not_before, revocation=revocation)


def example_directory() -> Directory:
    """The signed example directory of examples/directory, as opened."""
    authority = keys.loads_public_jwk_set((EXAMPLES / "directory" / "keys" / "authority.public.jwks").read_bytes())
    return open_directory((EXAMPLES / "directory" / "directory.jws").read_bytes(), authority, now=DIRECTORY_NOW)


REVOCATION = Revocation(revoked_at=dt.datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
                        compromised_at=dt.datetime(2026, 12, 1, 0, 0, tzinfo=UTC),
                        reason=RevocationReason.KEY_COMPROMISE)


def conformance_directory(**changes: Any) -> Directory:
    """The example agencies, plus a rotated MASH key and three agencies for the sealing cases."""
    agencies = []
    rotated = directory_key(KEYSETS["la_E06000032_mash-rotated"][0])
    for agency in example_directory().agencies:
        agencies.append(attrs.evolve(agency, keys=(*agency.keys, rotated)) if agency.id == MASH else agency)
    es, rv, nb = KEYSETS[slug(ES)], KEYSETS[slug(RV)], KEYSETS[slug(NB)]
    agencies += [
        DirectoryAgency(id=AgencyId(ES), name="Example trust signing with ES256 (conformance)", kind=AgencyKind.HEALTH,
                        roles=(RecipientRole.HOSPITAL,), areas=(LUTON,), keys=tuple(directory_key(k) for k in es)),
        DirectoryAgency(id=AgencyId(RV), name="Example service whose signing key was revoked (conformance)",
                        kind=AgencyKind.HEALTH, roles=(RecipientRole.SCHOOL_NURSING,), areas=(LUTON,),
                        keys=(directory_key(rv[0], revocation=REVOCATION), directory_key(rv[1]))),
        DirectoryAgency(id=AgencyId(NB), name="Example service whose signing key starts in 2030 (conformance)",
                        kind=AgencyKind.HEALTH, roles=(RecipientRole.CAMHS,), areas=(LUTON,),
                        keys=(directory_key(nb[0], not_before=dt.datetime(2030, 1, 1, tzinfo=UTC)),
                              directory_key(nb[1]))),
    ]
    fields: Doc = {"format_version": DIRECTORY_VERSION, "directory_id": "concernshare-conformance",
                   "serial": CONFORMANCE_SERIAL, "issued": DIRECTORY_ISSUED, "expires": DIRECTORY_EXPIRES,
                   "agencies": tuple(agencies)}
    return Directory(**(fields | changes))


def sign_payload(payload: Doc | bytes, signing: keys.PrivateJwk, *, typ: str = _jose.DIRECTORY_TYP,
                 cty: str = _jose.DIRECTORY_CTY) -> str:
    data = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False,
                                                                 separators=(",", ":")).encode()
    return _jose.sign(data, signer([signing]), typ=typ, cty=cty).decode("ascii")


def directory_cases() -> dict[str, Doc]:
    authority = sig("authority")
    good = conformance_directory()
    signed_good = sign_directory(good, keys.signer_from([authority])).decode("ascii")
    payload = codec.unstructure(good)
    pinned = ["keys/authority.public.jwks"]

    def accepted(directory: Directory) -> Doc:
        return {"outcome": "accepted", "directory_id": directory.directory_id, "serial": directory.serial,
                "agencies": [a.id for a in directory.agencies]}

    def refused(reason: str) -> Doc:
        return {"outcome": "refused", "reason": reason}

    def case(description: str, signed: str, expected: Doc, *, authorities: Sequence[str] = tuple(pinned),
             now: dt.datetime = DIRECTORY_NOW, last_seen: int | None = None, payload_valid: bool | None = True) -> Doc:
        seen = None if last_seen is None else {"directory_id": good.directory_id, "serial": last_seen}
        return {"description": description, "signed": signed, "authorities": list(authorities), "now": time(now),
                "last_seen": seen, "payload_schema_valid": payload_valid, "expected": expected}

    two = copy.deepcopy(payload)
    stolen = two["agencies"][0]["keys"][0]  # the health visitors' signing key
    two["agencies"][4]["keys"].append(stolen)  # ... listed under the GP practice as well
    schema_bad = copy.deepcopy(payload) | {"serial": 0}
    expiring = sign_directory(attrs.evolve(good, expires=dt.datetime(2027, 1, 1, tzinfo=UTC)),
                              keys.signer_from([authority])).decode("ascii")
    future = sign_directory(attrs.evolve(good, issued=dt.datetime(2026, 11, 25, 9, 40, tzinfo=UTC)),
                            keys.signer_from([authority])).decode("ascii")
    tampered = json.loads(signed_good)
    tampered["payload"] = b64encode(json.dumps(payload | {"serial": CONFORMANCE_SERIAL + 1}, ensure_ascii=False,
                                               separators=(",", ":")).encode())
    none_header = b64encode(compact({"alg": "none", "typ": _jose.DIRECTORY_TYP, "cty": _jose.DIRECTORY_CTY}))
    unsigned_none = compact({"payload": json.loads(signed_good)["payload"],
                             "signatures": [{"protected": none_header, "signature": ""}]}).decode("ascii")
    example_signed = (EXAMPLES / "directory" / "directory.jws").read_text(encoding="ascii").rstrip("\n")
    return {
        "accept-example-luton": case(
            "The example directory of examples/directory (nine agencies of the story), signed by the example authority.",
            example_signed, accepted(example_directory())),
        "accept-conformance": case(
            "The directory the sealing cases use: the example agencies, a second (P-256) encryption key for the MASH, and three agencies for the sealing cases (an ES256 signer, a signing key revoked on 2 December 2026, a signing key valid only from 2030).",
            signed_good, accepted(good)),
        "accept-serial-equal-to-last-seen": case(
            "The same edition again: a serial equal to the highest seen is not a rollback.",
            signed_good, accepted(good), last_seen=CONFORMANCE_SERIAL),
        "accept-serial-newer-than-last-seen": case(
            "A newer edition than the highest serial seen is accepted.",
            signed_good, accepted(good), last_seen=CONFORMANCE_SERIAL - 1),
        "accept-second-pinned-authority": case(
            "Signed by another authority key, which the receiver also pins (an authority rotating its key, or a second authority).",
            sign_directory(good, keys.signer_from([sig("other-authority")])).decode("ascii"), accepted(good),
            authorities=[*pinned, "keys/other-authority.public.jwks"]),
        "accept-one-second-before-expiry": case(
            "Opened one second before it expires.",
            expiring, accepted(attrs.evolve(good, expires=dt.datetime(2027, 1, 1, tzinfo=UTC))),
            now=dt.datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)),
        "refuse-expired": case(
            "Opened at the very instant it expires: an edition is refused from its expiry on.",
            expiring, refused("expired"), now=dt.datetime(2027, 1, 1, tzinfo=UTC)),
        "refuse-rolled-back": case(
            "Serial 7, though the receiver has already seen serial 8: an older edition could hide a revocation.",
            signed_good, refused("rolled_back"), last_seen=CONFORMANCE_SERIAL + 1),
        "refuse-wrong-authority": case(
            "Signed by an authority key the receiver does not pin.",
            sign_directory(good, keys.signer_from([sig("other-authority")])).decode("ascii"),
            refused("untrusted_signature")),
        "refuse-signed-by-an-agency-key": case(
            "Signed by the MASH's own signing key, which is in the directory but is not an authority key.",
            sign_directory(good, keys.signer_from(KEYSETS["la_E06000032_mash"])).decode("ascii"),
            refused("untrusted_signature")),
        "refuse-payload-altered": case(
            "The payload was changed (serial 8) after the authority signed it.",
            compact(tampered).decode("ascii"), refused("untrusted_signature")),
        "refuse-unsigned-json": case(
            "The directory as plain JSON, not signed at all.",
            json.dumps(payload, ensure_ascii=False, separators=(",", ":")), refused("unsigned"), payload_valid=None),
        "refuse-unsigned-alg-none": case(
            "A JWS with alg none and an empty signature.",
            unsigned_none, refused("unsigned")),
        "refuse-message-typ": case(
            "Signed by the pinned authority, but as a message (typ concernshare-message+jws), not as a directory: one document kind can never pass for another.",
            sign_payload(payload, authority, typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY), refused("malformed")),
        "refuse-kid-under-two-agencies": case(
            "Correctly signed, but the health visitors' signing key is listed under the GP practice too.",
            sign_payload(two, authority), refused("inconsistent")),
        "refuse-payload-not-valid": case(
            "Correctly signed, but serial 0 breaks the directory schema (serials start at 1).",
            sign_payload(schema_bad, authority), refused("invalid_content"), payload_valid=False),
        "refuse-issued-in-the-future": case(
            "Issued ten minutes after the receiver's clock (more than the five minutes' skew allowed).",
            future, refused("not_yet_issued")),
    }


# -- messages ----------------------------------------------------------------------------------


EXAMPLE_MESSAGES = sorted((EXAMPLES / "messages").glob("*.json"))
#: The example messages as released in format 1.0, kept so that every 1.1 reader is held to reading them.
V1_0_MESSAGES = sorted((REPO / "tests" / "data" / "v1_0").glob("*.json"))


def example(prefix: str) -> Doc:
    path = next(p for p in EXAMPLE_MESSAGES if p.name.startswith(prefix))
    document: Doc = json.loads(path.read_text(encoding="utf-8"))
    return document


def valid_case(description: str, document: Doc, *, source: str | None = None, warnings: Sequence[Doc] = (),
               canonical: bool = True, unknown: Sequence[str] = ()) -> Doc:
    case: Doc = {"description": description}
    if source:
        case["source"] = source
    case |= {"document": document, "now": None, "expected_warnings": list(warnings), "canonical": canonical,
             "schema_refuses_only_unknown_members": list(unknown)}
    return case


def _newer_minor() -> Doc:
    d = example("02")
    d["format_version"] = "1.2"
    d["urgency_hint"] = "routine"
    d["body"]["follow_up_channel"] = "secure_email"
    d["sender"]["practitioner"]["pronouns"] = "she/her"
    return d


def _partial_dates() -> Doc:
    d = example("06-chronology-gp")
    for entry, when in zip(d["body"]["entries"], ["2012", "2012-02-29", "2013-05", "2013-05-14"], strict=False):
        entry["event_date"] = when
    return d


def _unborn() -> Doc:
    d = example("15")
    d["status"] = "actual"
    d["subject"] = {"known_as": [], "unborn": True, "expected_delivery_date": "2014-05-20",
                    "mother": {"nhs_number": "9990000042"}, "sex": "not_known", "addresses": [],
                    "identifiers": d["subject"]["identifiers"], "local_authority": "la:E06000032",
                    "related_people": []}
    return d


def _extensions() -> Doc:
    d = example("01")
    d["extensions"] = {
        "uk.example.luton:hv_system_ref": "EX-HV-2013-0917",
        "uk.example.luton:flags": {"weight_centile": 0.4, "visits": [1, 2, 3], "reviewed": True, "note": None,
                                   "nested": {"empty_list": [], "empty_object": {}}},
        "org.example.vendor-x:counter": -42,
        "org.example.vendor-x:text": "Zo\u00eb \u2014 \U0001d7d8\U0001f600 \u4e2d\u6587",
    }
    return d


def _astral() -> Doc:
    d = example("02")
    d["thread"]["case_reference"] = "EX-" + "\U0001d7d8" * 61  # 64 characters, 125 UTF-16 code units
    return d


def _offsets() -> Doc:
    d = example("02")
    d["created"] = "2013-09-16T15:20:00.250+01:00"
    d["sent"] = "2013-09-16T14:23:00.000001Z"
    return d


def valid_cases() -> dict[str, Doc]:
    cases = {
        f"example-{path.stem}": valid_case(
            "An example message of the story in examples/messages (see examples/README.md).",
            json.loads(path.read_text(encoding="utf-8")), source=f"examples/messages/{path.name}")
        for path in EXAMPLE_MESSAGES
    }
    cases |= {
        f"v1.0-example-{path.stem}": valid_case(
            "An example message as released in format 1.0: a 1.1 reader judges it by 1.0's rules and accepts it.",
            json.loads(path.read_text(encoding="utf-8")), source=f"tests/data/v1_0/{path.name}")
        for path in V1_0_MESSAGES
    }
    unknown = ["/urgency_hint", "/sender/practitioner/pronouns", "/body/follow_up_channel"]
    cases |= {
        "edge-newer-minor-version": valid_case(
            "Format version 1.2 with three members a 1.1 reader does not know (top level, nested, in the body). A 1.1 reader accepts it, keeps the members (writing them back unchanged) and warns CS016 at each; a 1.1 JSON Schema validator refuses exactly these members (additionalProperties), which a reader of an older minor must set aside.",
            _newer_minor(), warnings=[{"pointer": p, "code": "CS016"} for p in sorted(unknown)], unknown=unknown),
        "edge-partial-dates": valid_case(
            "Chronology entries dated to the year (2012), a leap day (2012-02-29), the month (2013-05) and the day (2013-05-14).",
            _partial_dates()),
        "edge-unborn-child": valid_case(
            "An unborn child known only by the expected delivery date, the mother's NHS number and the local authority: no name, no birth date.",
            _unborn()),
        "edge-extensions": valid_case(
            "Extensions under several namespaces with values of every JSON type (null, booleans, a negative integer, a fraction, nested arrays and objects, empty ones, non-ASCII and astral characters). A reader keeps them untouched and writes them back unchanged.",
            _extensions()),
        "edge-astral-characters-at-max-length": valid_case(
            "A case reference of exactly 64 characters (its maxLength), 61 of them outside the Basic Multilingual Plane: lengths count Unicode characters, not UTF-16 code units or bytes.",
            _astral()),
        "edge-offsets-and-fractions": valid_case(
            "Times with a +01:00 offset and with fractional seconds are valid on input; a writer emits them in UTC, so the document is not in canonical form (reading and writing it back gives other strings).",
            _offsets(), canonical=False),
    }
    return cases


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def invalid_case(description: str, *, document: Doc | None = None, raw: bytes | None = None, layer: str,
                 expected: Sequence[tuple[str, str]], source: str | None = None, now: str | None = None) -> Doc:
    case: Doc = {"description": description}
    if source:
        case["source"] = source
    if raw is not None:
        case["document_base64"] = _b64(raw)
    else:
        case["document"] = document
    case |= {"now": now, "layer": layer,
             "schema_refuses": None if layer == "parse" else layer == "schema",
             "expected": [{"pointer": p, "code": c} for p, c in expected]}
    return case


def _layer_of(code: str) -> str:
    number = int(code[2:])
    if number <= 8:
        return "parse"
    if code == "CS015":
        return "version"
    return "schema" if number < 100 else "semantic"


def example_invalid_cases() -> dict[str, Doc]:
    cases = {}
    for path in sorted((EXAMPLES / "invalid").glob("*.expected.json")):
        name = path.name.removesuffix(".expected.json")
        expected = json.loads(path.read_text(encoding="utf-8"))
        raw = path.with_name(f"{name}.json").read_bytes()
        layer = _layer_of(expected["code"])
        document = None if layer == "parse" else json.loads(raw)
        cases[f"example-{name}"] = invalid_case(
            expected["why"], document=document, raw=raw if layer == "parse" else None, layer=layer,
            expected=[(expected["pointer"], expected["code"])], source=f"examples/invalid/{name}.json")
    return cases


def _set(document: Doc, pointer: str, value: Any) -> Doc:
    """A copy of ``document`` with the member at ``pointer`` (no escapes) set to ``value``."""
    result = copy.deepcopy(document)
    *parents, last = pointer.split("/")[1:]
    target: Any = result
    for token in parents:
        target = target[int(token)] if isinstance(target, list) else target[token]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return result


def _newline(prefix: str, pointer: str, value: str | None) -> Doc:
    document = example(prefix)
    if value is None:
        found: Any = document
        for token in pointer.split("/")[1:]:
            found = found[int(token)] if isinstance(found, list) else found[token]
        value = found
    return _set(document, pointer, f"{value}\n")


#: (case, example, pointer, value or None for the example's own, what the field is): a line feed after a
#: value that matches its pattern. In ECMA-262 (the regular expressions of JSON Schema) "$" matches only at
#: the very end of the string.
NEWLINE_PROBES = [
    ("format-version", "01", "/format_version", None, "the format version"),
    ("created", "01", "/created", None, "a date-time (created)"),
    ("recipient", "01", "/recipients/0", None, "an agency id (a recipient)"),
    ("event-date", "06-chronology-gp", "/body/entries/0/event_date", "2012", "a partial date of the year only"),
    ("first-language", "01", "/subject/first_language", None, "a language tag"),
    ("phone", "01", "/sender/practitioner/contact/phone", None, "a telephone number"),
    ("area-grade-area", "08", "/body/area_grades/0/area", None, "an assessment area code"),
    ("view-name", "09-domestic-abuse-notification-school-view", "/view/name", None, "a view name"),
]


def new_invalid_cases() -> dict[str, Doc]:
    base = example("02")
    text = json.dumps(base, indent=2, ensure_ascii=False)
    escaped = text.replace('"status": "exercise"', '"status": "exercise",\n  "st\\u0061tus": "actual"', 1)
    concern = example("01")
    year = _set(example("06-chronology-gp"), "/body/entries/0/event_date", "2012")
    cases = {
        "parse-duplicate-member-escaped": invalid_case(
            "status appears twice, once spelt with the escape \\u0061: member names are compared after unescaping.",
            raw=escaped.encode(), layer="parse", expected=[("/status", "CS003")]),
        "parse-integer-too-small": invalid_case(
            "-9007199254740992 is below -(2^53-1).",
            raw=text.replace('"body": {', '"body": {\n    "uk_example_counter": -9007199254740992,', 1).encode(),
            layer="parse", expected=[("/body/uk_example_counter", "CS006")]),
        "parse-empty-document": invalid_case(
            "An empty file is not JSON.", raw=b"", layer="parse", expected=[("", "CS001")]),
        "schema-top-level-string": invalid_case(
            "A JSON string, not an object.", document="a message", layer="schema", expected=[("", "CS012")]),
        "schema-version-leading-zero": invalid_case(
            "Format version 1.01: version numbers have no leading zeros.",
            document=_set(base, "/format_version", "1.01"), layer="schema", expected=[("/format_version", "CS018")]),
        "schema-extension-key-not-namespaced": invalid_case(
            "An extension key without a reverse-DNS namespace.",
            document=_set(concern, "/extensions/hv_system_ref", "EX-1"), layer="schema",
            expected=[("/extensions/hv_system_ref", "CS018")]),
        "schema-unknown-member-nested": invalid_case(
            "An unknown member inside the subject of a 1.1 message.",
            document=_set(concern, "/subject/eye_colour", "brown"), layer="schema",
            expected=[("/subject/eye_colour", "CS011")]),
        "schema-newer-minor-known-member-wrong": invalid_case(
            "A 1.2 message may carry members unknown to 1.1, but the members 1.1 knows must still be right: immediate_danger is a string here.",
            document=_set(_set(concern, "/format_version", "1.2"), "/body/immediate_danger", "no") | {"urgency_hint": "routine"},
            layer="schema", expected=[("/body/immediate_danger", "CS012")]),
        "schema-hour-24": invalid_case(
            "24:00:00 is not an RFC 3339 time of day.",
            document=_set(base, "/created", "2013-09-16T24:00:00Z"), layer="schema", expected=[("/created", "CS018")]),
        "schema-astral-characters-over-max-length": invalid_case(
            "A case reference of 65 characters, one over its maxLength of 64, written with characters outside the Basic Multilingual Plane (130 UTF-16 code units).",
            document=_set(base, "/thread/case_reference", "EX-" + "\U0001d7d8" * 62), layer="schema",
            expected=[("/thread/case_reference", "CS019")]),
        "semantic-not-a-leap-year": invalid_case(
            "2013-02-29 matches the date pattern but is not a day of the calendar.",
            document=_set(year, "/body/entries/0/event_date", "2013-02-29"), layer="semantic",
            expected=[("/body/entries/0/event_date", "CS018")]),
        "semantic-created-in-the-future": invalid_case(
            "Checked with the clock at now: the message says it was written a day later.",
            document=base, now="2013-09-15T14:20:00Z", layer="semantic", expected=[("/created", "CS104")]),
    }
    for name, prefix, pointer, value, what in NEWLINE_PROBES:
        cases[f"schema-trailing-newline-{name}"] = invalid_case(
            f"A line feed after {what}: JSON Schema patterns are ECMA-262 regular expressions, in which $ matches only at the end of the string, so the pattern refuses it (Python's re.search would let $ match before a final line feed).",
            document=_newline(prefix, pointer, value), layer="schema", expected=[(pointer, "CS018")])
    key = "uk.example.luton:hv_system_ref\n"
    concern_newline = copy.deepcopy(concern)
    concern_newline["extensions"] = {key: "EX-HV-2013-0917"}
    cases["schema-trailing-newline-extension-key"] = invalid_case(
        "A line feed after an extension key that matches the key pattern: refused by the propertyNames pattern (ECMA-262 $).",
        document=concern_newline, layer="schema", expected=[("/extensions", "CS018")])
    return cases


def message_files() -> Files:
    files: Files = {}
    for name, case in valid_cases().items():
        files[f"messages/valid/{name}.json"] = pretty(case)
    for name, case in (example_invalid_cases() | new_invalid_cases()).items():
        files[f"messages/invalid/{name}.json"] = pretty(case)
    return files


# -- sealed ------------------------------------------------------------------------------------


def message(prefix: str, **changes: Any) -> Message:
    """An example message with changes; ``sender`` is an agency id."""
    found = codec.loads(json.dumps(example(prefix)).encode())
    if "sender" in changes:
        changes["sender"] = attrs.evolve(found.sender, agency=AgencyId(changes["sender"]))
    if "recipients" in changes:
        changes["recipients"] = tuple(AgencyId(r) for r in changes["recipients"])
    return attrs.evolve(found, **changes)


def payload_of(msg: Message, *, check: bool = True) -> bytes:
    payload = codec.dumps(attrs.evolve(msg, sent=SEALED_AT))
    if check:
        validation.validate(payload)
    return payload


def jws(payload: bytes, signing: keys.PrivateJwk, *, protected: Doc | str | None = None, header: Doc | None = None,
        flattened: bool = False, alg_none: bool = False, extra_signature: bool = False) -> bytes:
    """A JWS built member by member, for the cases that break one rule of the profile."""
    the_signer = signer([signing])
    if protected is None:
        protected = {"alg": the_signer.alg, "kid": the_signer.kid, "typ": _jose.MESSAGE_TYP, "cty": _jose.MESSAGE_CTY}
    head = b64encode(protected.encode() if isinstance(protected, str) else compact(protected))
    body = b64encode(payload)
    signature = "" if alg_none else b64encode(the_signer.sign(f"{head}.{body}".encode("ascii")))
    entry: Doc = {"protected": head} | ({"header": header} if header else {}) | {"signature": signature}
    if flattened:
        return compact({"payload": body} | entry)
    return compact({"payload": body, "signatures": [entry, entry] if extra_signature else [entry]})


@attrs.frozen
class Sealing:
    """How a sealed document was made: the inputs that make its bytes reproducible."""

    ephemeral: tuple[bytes, ...]
    cek: bytes
    iv: bytes

    def describe(self) -> Doc:
        return {"ephemeral_private_keys_hex": [e.hex() for e in self.ephemeral], "cek_hex": self.cek.hex(),
                "iv_hex": self.iv.hex()}


def sealing(label: str, count: int) -> Sealing:
    return Sealing(tuple(secret(f"{label} ephemeral {i}") for i in range(count)), secret(f"{label} cek"),
                   secret(f"{label} iv", 12))


def jwe(plaintext: bytes, recipients: Sequence[keys.PublicJwk], made: Sealing, *, protected: Doc | str | None = None,
        unprotected: Doc | None = None, header: Doc | None = None, flattened: bool = False,
        aad: str | None = None, compact_form: bool = False) -> bytes:
    """A JWE built member by member (ECDH-ES+A256KW, A256GCM), for the cases that break one rule of the profile."""
    entries = []
    for index, key in enumerate(recipients):
        ephemeral = _jose.load_private(key.crv, made.ephemeral[index])
        z = ephemeral.derive(_jose.decode_point(key.crv, key.x, key.y))
        kek = _jose.concat_kdf(z, _jose.KEY_ALG, b"", b"", 256)
        epk = _jose.point_members(key.crv, ephemeral.public_point)
        entries.append({"header": {"alg": _jose.KEY_ALG, "kid": key.kid, "epk": epk} | (header or {}),
                        "encrypted_key": b64encode(_jose.wrap_key(kek, made.cek))})
    if protected is None:
        protected = {"enc": _jose.CONTENT_ENC, "typ": _jose.SEALED_TYP, "cty": _jose.SEALED_CTY}
    if compact_form:
        protected = entries[0].pop("header") | protected
    head = b64encode(protected.encode() if isinstance(protected, str) else compact(protected))
    additional = head + (f".{b64encode(aad.encode())}" if aad is not None else "")
    sealed = AESGCM(made.cek).encrypt(made.iv, plaintext, additional.encode("ascii"))
    ciphertext, tag = b64encode(sealed[:-16]), b64encode(sealed[-16:])
    if compact_form:
        return ".".join([head, entries[0]["encrypted_key"], b64encode(made.iv), ciphertext, tag]).encode("ascii")
    document: Doc = {"protected": head} | ({"unprotected": unprotected} if unprotected else {})
    document |= entries[0] if flattened else {"recipients": entries}
    document |= {"iv": b64encode(made.iv), "ciphertext": ciphertext, "tag": tag}
    if aad is not None:
        document["aad"] = b64encode(aad.encode())
    return compact(document)


def enc_keys(directory: Directory, agencies: Sequence[str]) -> list[keys.PublicJwk]:
    return [key for agency in agencies for key in directory.encryption_keys(agency, SEALED_AT)]


POLICY = {"window_seconds": int(WINDOW.total_seconds()), "skew_seconds": int(SKEW.total_seconds()),
          "accept_status": ["actual", "exercise"]}


def sealed_cases() -> dict[str, Doc]:  # noqa: PLR0915 - one statement per case reads best
    directory = conformance_directory()
    cases: dict[str, Doc] = {}
    hv_keys = KEYSETS[slug(HV)]
    concern = message("01", recipients=[MASH])
    concern_payload = payload_of(concern)
    mash_keys = enc_keys(directory, [MASH])

    def add(name: str, description: str, sealed: bytes, made: Sealing | None, *, opener: str = MASH,
            opener_keys: str | None = None, now: dt.datetime = OPENED_AT, mode: str = "live",
            policy: Doc | None = None, receipts: Sequence[Doc] = (), expected: Doc, notes: str | None = None) -> None:
        construction: Doc = {"sealed_at": time(SEALED_AT)} | (made.describe() if made else {})
        if notes:
            construction["notes"] = notes
        cases[name] = {
            "description": description, "sealed": sealed.decode("ascii"),
            "directory": "directories/accept-conformance.json", "now": time(now), "mode": mode,
            "policy": policy or POLICY,
            "opener": {"agency": opener, "keys": f"keys/{opener_keys or slug(opener)}.private.jwks"},
            "prior_receipts": list(receipts), "construction": construction, "expected": expected,
        }

    def opened(jws_bytes: bytes, payload: bytes, sender: str, signing: keys.PrivateJwk) -> Doc:
        return {"outcome": "opened", "sender": sender, "kid": signing.kid,
                "message_id": json.loads(payload)["id"], "plaintext": jws_bytes.decode("ascii"),
                "payload": payload.decode("utf-8")}

    def refused(error: str, **more: Any) -> Doc:
        return {"outcome": "refused", "error": error} | more

    def library(label: str, plaintext: bytes, recipients: Sequence[keys.PublicJwk]) -> tuple[bytes, Sealing]:
        made = sealing(label, len(recipients))
        sealed = _jose.encrypt(plaintext, recipients, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY,
                               _ephemeral=made.ephemeral, _cek=made.cek, _iv=made.iv)
        if jwe(plaintext, recipients, made) != sealed:
            raise SystemExit("the member-by-member JWE differs from the library's")
        return sealed, made

    # -- opened ------------------------------------------------------------------------------
    signed = jws(concern_payload, sig(slug(HV)))
    if signed != _jose.sign(concern_payload, keys.signer_from(hv_keys), typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY):
        raise SystemExit("the member-by-member JWS differs from the library's")
    sealed, made = library("opened-concern", signed, mash_keys)
    add("opened-concern-to-mash",
        "The health visitors' concern (example 01, status exercise), sealed to both current encryption keys of the MASH (X25519 and P-256) and opened with the X25519 one.",
        sealed, made, expected=opened(signed, concern_payload, HV, sig(slug(HV))))
    add("opened-with-rotated-p256-key",
        "The same document opened with only the MASH's new P-256 encryption key (the second recipient entry).",
        sealed, made, opener_keys="la_E06000032_mash-rotated", expected=opened(signed, concern_payload, HV, sig(slug(HV))))
    add("opened-at-the-edge-of-the-window",
        "Opened exactly seven days and five minutes after it was sent: the freshness window (7 days) plus the clock skew (5 minutes), inclusive.",
        sealed, made, now=SEALED_AT + WINDOW + SKEW, expected=opened(signed, concern_payload, HV, sig(slug(HV))))
    add("opened-archive-long-after",
        "Opened as an archive a year later: no freshness or replay check, the key is still valid and not revoked.",
        sealed, made, mode="archive", now=dt.datetime(2027, 11, 25, tzinfo=UTC),
        expected=opened(signed, concern_payload, HV, sig(slug(HV))))
    receipt = {"sender": HV, "message_id": str(concern.id), "sent": time(SEALED_AT), "received": time(OPENED_AT),
               "digest": hashlib.sha256(concern_payload).hexdigest()}
    add("refused-replayed",
        "The receiver's log already holds this sender's message with this id.",
        sealed, made, receipts=[receipt], expected=refused("replayed"))
    add("refused-stale",
        "Opened one second after the freshness window and the clock skew have passed.",
        sealed, made, now=SEALED_AT + WINDOW + SKEW + dt.timedelta(seconds=1), expected=refused("stale"))
    add("refused-sent-in-the-future",
        "Opened six minutes before it was sent, by the receiver's clock: beyond the five minutes' skew.",
        sealed, made, now=SEALED_AT - dt.timedelta(minutes=6), expected=refused("stale"))
    add("refused-exercise-status",
        "An exercise message reaching a live receiver that accepts only actual messages.",
        sealed, made, policy=POLICY | {"accept_status": ["actual"]}, expected=refused("refused_status"))
    add("refused-opener-has-no-entry",
        "Opened by the GP practice, to none of whose keys it is encrypted.",
        sealed, made, opener=GP, expected=refused("not_for_us"))

    request = message("04")
    request_payload = payload_of(request)
    signed_request = jws(request_payload, sig(slug(MASH)))
    sealed_request, made_request = library("opened-request", signed_request, enc_keys(directory, [GP, POLICE]))
    add("opened-second-of-two-recipients",
        "The MASH's information request (example 04) sealed to the GP practice and the police; the police open it with the second recipient entry.",
        sealed_request, made_request, opener=POLICE,
        expected=opened(signed_request, request_payload, MASH, sig(slug(MASH))))

    made_flat = sealing("opened-flattened", 1)
    first_key = mash_keys[:1]
    add("opened-flattened-jwe",
        "The flattened JSON serialization (one recipient, header and encrypted_key at the top level), as single-recipient encoders write it.",
        jwe(signed, first_key, made_flat, flattened=True), made_flat,
        expected=opened(signed, concern_payload, HV, sig(slug(HV))))
    flat_jws = jws(concern_payload, sig(slug(HV)), flattened=True)
    made_flat_jws = sealing("opened-flattened-jws", 1)
    add("opened-flattened-jws-inside",
        "The signed message inside is in the flattened JSON serialization of JWS.",
        jwe(flat_jws, first_key, made_flat_jws), made_flat_jws,
        expected=opened(flat_jws, concern_payload, HV, sig(slug(HV))))

    es_payload = payload_of(message("01", recipients=[MASH], sender=ES))
    es_signed = jws(es_payload, sig(slug(ES)))
    es_sealed, es_made = library("opened-es256", es_signed, mash_keys)
    add("opened-es256-signature",
        "Signed with ES256 (P-256, raw r||s; the nonce is RFC 6979's, so the bytes are reproducible).",
        es_sealed, es_made, expected=opened(es_signed, es_payload, ES, sig(slug(ES))))

    rv_payload = payload_of(message("01", recipients=[MASH], sender=RV))
    rv_signed = jws(rv_payload, sig(slug(RV)))
    rv_sealed, rv_made = library("revoked-sender", rv_signed, mash_keys)
    rv_receipt = {"sender": RV, "message_id": json.loads(rv_payload)["id"], "sent": time(SEALED_AT),
                  "received": time(OPENED_AT), "digest": hashlib.sha256(rv_payload).hexdigest()}
    add("refused-signing-key-revoked",
        "Signed by a key revoked since (compromised from 1 December 2026): a live receiver refuses it, whatever its sent time says.",
        rv_sealed, rv_made, expected=refused("revoked"))
    add("opened-archive-revoked-key-received-before-compromise",
        "Opened as an archive after the revocation: this receiver's own log shows the message arrived on 25 November 2026, before the key's compromise, so it is accepted.",
        rv_sealed, rv_made, mode="archive", now=dt.datetime(2027, 3, 1, tzinfo=UTC), receipts=[rv_receipt],
        expected=opened(rv_signed, rv_payload, RV, sig(slug(RV))))
    add("refused-archive-revoked-key-no-receipt",
        "Opened as an archive after the revocation with no receipt of it in the log: a forger with the stolen key could have backdated sent, so it is refused.",
        rv_sealed, rv_made, mode="archive", now=dt.datetime(2027, 3, 1, tzinfo=UTC), expected=refused("revoked"))
    add("refused-archive-revoked-key-content-differs",
        "As the case opened before the compromise, but the log's receipt under this id holds the digest of other content: a stolen key signing new content under an old id is refused.",
        rv_sealed, rv_made, mode="archive", now=dt.datetime(2027, 3, 1, tzinfo=UTC),
        receipts=[rv_receipt | {"digest": hashlib.sha256(b"other content").hexdigest()}], expected=refused("revoked"))
    add("refused-archive-revoked-key-receipt-without-digest",
        "As the case opened before the compromise, but the receipt was recorded before receipts kept a digest: it cannot vouch for the content, so the message is refused as unverifiable.",
        rv_sealed, rv_made, mode="archive", now=dt.datetime(2027, 3, 1, tzinfo=UTC),
        receipts=[{k: v for k, v in rv_receipt.items() if k != "digest"}], expected=refused("revoked"))
    late_receipt = rv_receipt | {"received": time(dt.datetime(2026, 12, 1, 0, 0, 1, tzinfo=UTC))}
    add("refused-archive-revoked-key-received-after-compromise",
        "As above, but the log shows the message arrived one second after the compromise time.",
        rv_sealed, rv_made, mode="archive", now=dt.datetime(2027, 3, 1, tzinfo=UTC), receipts=[late_receipt],
        expected=refused("revoked"))

    nb_payload = payload_of(message("01", recipients=[MASH], sender=NB))
    nb_sealed, nb_made = library("not-yet-valid", jws(nb_payload, sig(slug(NB))), mash_keys)
    add("refused-signing-key-not-yet-valid",
        "Signed by a key whose validity starts in 2030, so it was not valid when the message was sent.",
        nb_sealed, nb_made, expected=refused("revoked"))

    gp_signed = jws(concern_payload, sig(slug(GP)))
    made_gp = sealing("signed-by-gp", len(mash_keys))
    add("refused-signed-by-another-agency",
        "The message names the health visitors as sender but is signed with the GP practice's key.",
        jwe(gp_signed, mash_keys, made_gp), made_gp, expected=refused("untrusted_sender"))
    outsider_signed = jws(concern_payload, sig("outsider"))
    made_out = sealing("signed-by-outsider", len(mash_keys))
    add("refused-signed-by-unknown-key",
        "Signed with a key that is in no directory.",
        jwe(outsider_signed, mash_keys, made_out), made_out, expected=refused("untrusted_sender"))

    forwarded = payload_of(message("01", recipients=[GP]))
    forwarded_signed = jws(forwarded, sig(slug(HV)))
    made_fwd = sealing("forwarded", len(mash_keys))
    add("refused-forwarded-to-a-non-recipient",
        "Signed for the GP practice (the only recipient inside the signed message) and then encrypted to the MASH: surreptitious forwarding.",
        jwe(forwarded_signed, mash_keys, made_fwd), made_fwd, expected=refused("not_for_us"))

    bad = json.loads(concern_payload)
    bad["subject"]["identifiers"]["nhs_number"] = bad["subject"]["identifiers"]["nhs_number"][:-1] + "9"
    bad_payload = json.dumps(bad, ensure_ascii=False, separators=(",", ":")).encode()
    bad_signed = jws(bad_payload, sig(slug(HV)))
    made_bad = sealing("content-refused", len(mash_keys))
    add("refused-content-invalid",
        "Correctly signed by the health visitors, but the child's NHS number fails its check digit: the content is refused, and the sender is owed a rejected acknowledgement naming the problem.",
        jwe(bad_signed, mash_keys, made_bad), made_bad,
        expected=refused("content_refused", problems=[{"pointer": "/subject/identifiers/nhs_number", "code": "CS101"}]))

    _crypto_cases(add, refused, signed, concern_payload, mash_keys, sealed=sealed, made=made)
    _header_cases(add, refused, signed, concern_payload, mash_keys)
    return cases


def _flip(text: str) -> str:
    """The base64url text with the bits of its first character changed (still strict base64url)."""
    return ("B" if text[0] == "A" else "A") + text[1:]


def _crypto_cases(add: Callable[..., None], refused: Callable[..., Doc], signed: bytes, payload: bytes,
                  mash_keys: Sequence[keys.PublicJwk], *, sealed: bytes, made: Sealing) -> None:
    document = json.loads(sealed)
    ciphertext = copy.deepcopy(document)
    ciphertext["ciphertext"] = _flip(ciphertext["ciphertext"])
    add("refused-ciphertext-altered", "One bit of the ciphertext is changed.", compact(ciphertext), made,
        expected=refused("crypto"))
    tag = copy.deepcopy(document)
    tag["tag"] = _flip(tag["tag"])
    add("refused-tag-altered", "One bit of the authentication tag is changed.", compact(tag), made,
        expected=refused("crypto"))
    wrapped = copy.deepcopy(document)
    for entry in wrapped["recipients"]:
        entry["encrypted_key"] = _flip(entry["encrypted_key"])
    add("refused-encrypted-key-altered", "One bit of every wrapped content key is changed.", compact(wrapped), made,
        expected=refused("crypto"))
    zero = copy.deepcopy(document)
    zero["recipients"] = zero["recipients"][:1]
    zero["recipients"][0]["header"]["epk"]["x"] = b64encode(bytes(32))
    add("refused-ephemeral-key-all-zero",
        "The X25519 ephemeral public key is the all-zero point, which gives an all-zero shared secret.",
        compact(zero), made, expected=refused("crypto"))
    forged = jws(payload, sig(slug(HV)))
    entry = json.loads(forged)
    entry["signatures"][0]["signature"] = _flip(entry["signatures"][0]["signature"])
    made_sig = sealing("signature-altered", len(mash_keys))
    add("refused-signature-altered",
        "The signature inside is changed by one bit; the encryption around it is intact.",
        jwe(compact(entry), mash_keys, made_sig), made_sig, expected=refused("crypto"))
    swapped = json.loads(signed)
    swapped["payload"] = b64encode(payload.replace(b'"risk_level":"high"', b'"risk_level":"low"')
                                   if b'"risk_level":"high"' in payload else payload + b" ")
    made_swap = sealing("payload-altered", len(mash_keys))
    add("refused-signed-payload-altered",
        "The signed payload was changed after signing (the risk level); the encryption around it is intact.",
        jwe(compact(swapped), mash_keys, made_swap), made_swap, expected=refused("crypto"))


def _header_cases(add: Callable[..., None], refused: Callable[..., Doc], signed: bytes, payload: bytes,
                  mash_keys: Sequence[keys.PublicJwk]) -> None:
    standard = {"enc": _jose.CONTENT_ENC, "typ": _jose.SEALED_TYP, "cty": _jose.SEALED_CTY}
    hv = sig(slug(HV))
    hv_protected = {"alg": "Ed25519", "kid": hv.kid, "typ": _jose.MESSAGE_TYP, "cty": _jose.MESSAGE_CTY}
    one = list(mash_keys[:1])
    malformed = refused("malformed")
    note = "Every other part is correct: the content key, the tag and the signature all verify."
    outer: list[tuple[str, str, Doc]] = [
        ("refused-zip", "The protected header asks for compression (zip DEF), which the profile refuses.",
         {"protected": standard | {"zip": "DEF"}}),
        ("refused-jku", "The protected header names a key set URL (jku): keys come only from the directory.",
         {"protected": standard | {"jku": "https://keys.example.org/jwks.json"}}),
        ("refused-crit-unknown", "The protected header makes an unknown extension critical (crit).",
         {"protected": standard | {"crit": ["exp"], "exp": 1796000000}}),
        ("refused-enc-a128gcm", "Content encryption A128GCM is outside the suite (only A256GCM).",
         {"protected": {"enc": "A128GCM", "typ": _jose.SEALED_TYP, "cty": _jose.SEALED_CTY}}),
        ("refused-alg-dir", "Key management dir (direct encryption) is refused.",
         {"header": {"alg": "dir"}}),
        ("refused-duplicate-member-in-protected-header",
         "The protected header's JSON has the member enc twice.",
         {"protected": '{"enc":"A256GCM","enc":"A256GCM","typ":"' + _jose.SEALED_TYP + '","cty":"'
          + _jose.SEALED_CTY + '"}'}),
        ("refused-parameter-in-two-headers",
         "cty appears in the protected header and again in the recipient's header.",
         {"header": {"cty": _jose.SEALED_CTY}}),
        ("refused-typ-in-unprotected-header",
         "typ and cty stand in the shared unprotected header instead of the protected one.",
         {"protected": {"enc": _jose.CONTENT_ENC}, "unprotected": {"typ": _jose.SEALED_TYP, "cty": _jose.SEALED_CTY}}),
        ("refused-typ-substituted",
         "The JWE says it is a signed message (typ concernshare-message+jws) rather than a sealed one.",
         {"protected": standard | {"typ": _jose.MESSAGE_TYP}}),
        ("refused-aad", "The JWE carries additional authenticated data (aad), which the profile refuses.",
         {"aad": "extra"}),
        ("refused-personal-data-in-header",
         "The protected header carries a parameter outside the allow-list (a child's name): headers are not encrypted.",
         {"protected": standard | {"subject_name": "Kai Ashdown"}}),
    ]
    for name, description, options in outer:
        made = sealing(name, 1)
        header = options.get("header")
        document = jwe(signed, one, made, protected=options.get("protected"), unprotected=options.get("unprotected"),
                       header=header, aad=options.get("aad"))
        add(name, description, document, made, expected=malformed, notes=note)
    made = sealing("refused-compact", 1)
    add("refused-compact-serialization",
        "The compact serialization (five base64url parts joined by dots), which the profile refuses: its headers cannot be checked member by member.",
        jwe(signed, one, made, compact_form=True), made, expected=malformed, notes=note)
    made = sealing("refused-padding", 1)
    padded = json.loads(jwe(signed, one, made))
    padded["iv"] += "=="
    add("refused-base64url-padding",
        "The iv is written with base64 padding (==): base64url here is strict, without padding.",
        compact(padded), made, expected=malformed, notes=note)
    inner: list[tuple[str, str, bytes]] = [
        ("refused-inner-alg-none", "The signed message inside is unsecured: alg none, empty signature.",
         jws(payload, hv, protected=hv_protected | {"alg": "none"}, alg_none=True)),
        ("refused-inner-embedded-jwk", "The signed message's header embeds its own public key (jwk): keys come only from the directory.",
         jws(payload, hv, protected=hv_protected | {"jwk": {"kty": "OKP", "crv": "Ed25519", "x": KEYSETS[slug(HV)][0].public.x}})),
        ("refused-inner-two-signatures", "The signed message carries two signatures; exactly one is allowed.",
         jws(payload, hv, extra_signature=True)),
        ("refused-inner-typ-substituted",
         "The document inside is a signed directory (typ concernshare-directory+jws), correctly signed by the health visitors' key, instead of a signed message.",
         jws(payload, hv, protected=hv_protected | {"typ": _jose.DIRECTORY_TYP, "cty": _jose.DIRECTORY_CTY})),
        ("refused-inner-hmac", "The signed message says alg HS256 (HMAC), which the profile refuses.",
         jws(payload, hv, protected=hv_protected | {"alg": "HS256"})),
    ]
    for name, description, plaintext in inner:
        made = sealing(name, 1)
        add(name, description, jwe(plaintext, one, made), made, expected=malformed,
            notes="The encryption is intact; the signed document inside breaks the rule.")
    add("refused-signed-only-given-as-sealed",
        "A signed-only message (a JWS) where a sealed one (a JWE) is expected.",
        signed, None, expected=malformed)


def sealed_files() -> Files:
    return {f"sealed/{name}.json": pretty(case) for name, case in sealed_cases().items()}


# -- routing -----------------------------------------------------------------------------------


SYNTHETIC_RULES: dict[str, Doc] = {
    "age-bands": {
        "format_version": "1.0", "name": "Synthetic: age bands, statuses and merging",
        "views": [{"name": "early_years_view", "withhold": ["adult_health", "police_intelligence"],
                   "description": "For early help with the under-fives."}],
        "rules": [
            {"id": "under-five", "description": "A child under five at created goes to early help.",
             "when": {"types": ["concern"], "max_age": 4},
             "deliver": [{"to": {"role": "early_help", "area": "child"}, "view": "early_years_view",
                          "response": {"expects": "acknowledgement", "working_days": 3}}]},
            {"id": "five-and-over", "description": "A child of five or more goes to the school.",
             "when": {"types": ["concern"], "min_age": 5},
             "deliver": [{"to": {"child_setting": "school"}, "view": "education"}]},
            {"id": "exercise-to-mash", "description": "Exercises go to the MASH, due in two working days.",
             "when": {"statuses": ["exercise"]},
             "deliver": [{"to": {"agency": MASH}, "view": "full",
                          "response": {"expects": "decision", "working_days": 2},
                          "escalate_to": [{"role": "childrens_social_care", "area": "child"}]}],
             "feedback_to_referrer": True},
            {"id": "neglect-to-mash", "description": "Neglect goes to the MASH, decided in one working day.",
             "when": {"concern_types": ["neglect"]},
             "deliver": [{"to": {"role": "mash", "area": "child"}, "view": "full",
                          "response": {"expects": "decision", "timescale": "referral_decision"},
                          "escalate_to": [{"agency": POLICE}]}]},
        ],
    },
    "markings-and-senders": {
        "format_version": "1.0", "name": "Synthetic: markings, sender kinds and local authorities",
        "rules": [
            {"id": "police-marked", "description": "Anything marked police_investigation goes to the police.",
             "when": {"markings": ["police_investigation"]},
             "deliver": [{"to": {"agency": POLICE}, "view": "full"}]},
            {"id": "health-senders-in-luton", "description": "Messages from health senders about Luton children go to children's social care, due in five working days.",
             "when": {"sender_kinds": ["health"], "local_authorities": [LUTON]},
             "deliver": [{"to": {"role": "childrens_social_care"}, "view": "full",
                          "response": {"expects": "acknowledgement", "working_days": 5}}]},
            {"id": "elsewhere", "description": "Children of another authority: their MASH (none in this directory).",
             "when": {"local_authorities": ["E06000033"]},
             "deliver": [{"to": {"role": "mash", "area": "child"}, "view": "full"}]},
        ],
    },
    "decisions-only": {
        "format_version": "1.0", "name": "Synthetic: routes decisions only",
        "rules": [{"id": "decisions", "description": "Decisions go to whom they are addressed.",
                   "when": {"types": ["decision"]}, "deliver": [{"to": {"addressed": True}, "view": "full"}]}],
    },
    "missing-role": {
        "format_version": "1.0", "name": "Synthetic: names a role no agency in the directory has",
        "rules": [{"id": "to-camhs", "description": "Everything to CAMHS.",
                   "deliver": [{"to": {"role": "camhs"}, "view": "health"}]}],
    },
    "kinds-disagree": {
        "format_version": "1.0", "name": "Synthetic: two kinds of target reach one agency with two views",
        "rules": [
            {"id": "gp-by-setting", "description": "The child's GP practice, health view.",
             "deliver": [{"to": {"child_setting": "gp_practice"}, "view": "health"}]},
            {"id": "gp-by-role", "description": "Every GP practice, full view.",
             "deliver": [{"to": {"role": "gp"}, "view": "full"}]},
        ],
    },
}

SCHOOL_CALENDAR = {"day_start": "08:40", "weekdays": [1, 2, 3, 4, 5],
          "terms": [{"first_day": "2013-09-04", "last_day": "2013-10-25"},
                    {"first_day": "2013-11-04", "last_day": "2013-12-20"}],
          "closures": ["2013-11-04"]}

#: (case, rules, example, at, calendar closures, school calendars, expected recipients or None if refused, description)
ROUTING_CASES: list[tuple[str, str, str, str, list[str], Doc, list[str] | None, str]] = [
    ("mash-concern", "mash-front-door", "01", "2013-09-16T13:08:00Z", [], {},
     [CSC, MASH, GP], "The health visitors' high-risk neglect concern: the MASH decides within one working day, children's social care acknowledges within one, the GP practice gets the health view."),
    ("mash-concern-with-closure", "mash-front-door", "01", "2013-09-16T13:08:00Z", ["2013-09-17"], {},
     [CSC, MASH, GP], "The same, with the working calendar closed on 17 September: every due time moves on a day."),
    ("mash-update", "mash-front-door", "07", "2013-10-09T09:18:00Z", [], {},
     [MASH], "An update goes to the MASH only."),
    ("mash-unborn", "mash-front-door", "15", "2013-12-12T14:03:00Z", [], {},
     [MASH], "The midwife's pre-birth concern: the MASH. The unborn-to-midwifery rule applies too, but its target is the sender itself, which never receives its own message; no GP practice for an unborn child."),
    ("mash-information-request", "mash-front-door", "04", "2013-09-17T12:13:00Z", [], {},
     [GP, POLICE], "The MASH's information request: both addressed agencies, due the next working day (the stricter of the two rules that apply)."),
    ("mash-acknowledgement", "mash-front-door", "02", "2013-09-16T14:23:00Z", [], {},
     [HV], "An acknowledgement goes to the agency it addresses, with no response due."),
    ("mash-encompass-default-school-day", "mash-front-door", "09-domestic-abuse-notification-police",
     "2013-11-03T10:23:00Z", [], {}, [MASH, SCHOOL],
     "A Sunday notification: due before the school day starts on Monday (the default 08:45 Monday to Friday)."),
    ("mash-encompass-school-calendar", "mash-front-door", "09-domestic-abuse-notification-police",
     "2013-11-03T10:23:00Z", [], {SCHOOL: SCHOOL_CALENDAR}, [MASH, SCHOOL],
     "The same with the school's own calendar: Monday 4 November is an INSET day, so it is due at 08:40 on Tuesday."),
    ("age-bands-under-five", "age-bands", "01", "2013-09-16T13:08:00Z", [], {},
     ["la:E06000032/early-help", MASH],
     "Kai is 1 at created: early help in its own view; the MASH by agency and by role, merged (earliest due time wins, escalations united)."),
    ("age-bands-five-and-over", "age-bands", "01-age-eight", "2013-09-16T13:08:00Z", [], {},
     [MASH, SCHOOL], "The same concern about a child of eight: the school instead of early help."),
    ("markings-and-senders", "markings-and-senders", "09-domestic-abuse-notification-police",
     "2013-11-03T10:23:00Z", [], {}, None,
     "A police notification marked police_investigation, sent by the police itself: the only rule that applies would send it back to its sender, so no rule routes it."),
    ("health-sender-to-social-care", "markings-and-senders", "01", "2013-09-16T13:08:00Z", [], {},
     [CSC], "A health sender, a Luton child: children's social care in any area, due in five working days."),
    ("no-rule-applies", "decisions-only", "01", "2013-09-16T13:08:00Z", [], {}, None,
     "No rule routes a concern: an error, never a silent drop."),
    ("role-not-in-directory", "missing-role", "01", "2013-09-16T13:08:00Z", [], {}, None,
     "A rule names a role that no agency in the directory has: an error."),
    ("views-disagree-across-kinds", "kinds-disagree", "01", "2013-09-16T13:08:00Z", [], {}, None,
     "Two rules reach the GP practice, one by child setting and one by role, with different views: found only when routing, and an error."),
]


def _age_eight() -> Doc:
    d = example("01")
    d["subject"]["birth_date"] = "2005-06-01"
    d["subject"]["school"] = SCHOOL
    return d


def routing_message(prefix: str) -> tuple[str, Doc]:
    if prefix == "01-age-eight":
        return "messages/valid/edge-concern-child-aged-eight.json", _age_eight()
    path = next(p for p in EXAMPLE_MESSAGES if p.name.startswith(prefix))
    return f"messages/valid/example-{path.stem}.json", json.loads(path.read_text(encoding="utf-8"))


def _school_calendar(data: Doc) -> deadlines.SchoolCalendar:
    return deadlines.SchoolCalendar(
        day_start=dt.time.fromisoformat(data["day_start"]), weekdays=tuple(data["weekdays"]),
        terms=tuple(deadlines.Term(first_day=dt.date.fromisoformat(t["first_day"]),
                                   last_day=dt.date.fromisoformat(t["last_day"])) for t in data["terms"]),
        closures=tuple(dt.date.fromisoformat(d) for d in data["closures"]))


def routing_files() -> Files:
    files: Files = {"routing/rules/mash-front-door.json": (EXAMPLES / "routing" / "mash-front-door.json").read_bytes()}
    files |= {f"routing/rules/{name}.json": pretty(rules) for name, rules in SYNTHETIC_RULES.items()}
    directory = example_directory()
    for name, rules_name, prefix, at, closures, schools, recipients, description in ROUTING_CASES:
        message_file, document = routing_message(prefix)
        rules = load_rules(files[f"routing/rules/{rules_name}.json"])
        msg = codec.loads(json.dumps(document).encode())
        moment = dt.datetime.fromisoformat(at)
        calendar = deadlines.WorkingCalendar(closures=tuple(dt.date.fromisoformat(d) for d in closures))
        try:
            plan = route(msg, rules, directory, moment, calendar=calendar,
                         schools={k: _school_calendar(v) for k, v in schools.items()})
        except RoutingError:
            expected: Doc = {"outcome": "refused", "error": "routing"}
            if recipients is not None:
                raise SystemExit(f"{name}: expected recipients {recipients}, but routing failed") from None
        else:
            expected = {"outcome": "routed", "plan": plan.to_json()}
            found = [d["recipient"] for d in expected["plan"]["deliveries"]]
            if found != recipients:
                raise SystemExit(f"{name}: expected recipients {recipients}, the library plans {found}")
        files[f"routing/cases/{name}.json"] = pretty({
            "description": description, "rules": f"routing/rules/{rules_name}.json", "message": message_file,
            "directory": "directories/accept-example-luton.json", "at": at, "calendar": {"closures": closures},
            "schools": schools, "expected": expected,
        })
    files |= {f"routing/invalid/{name}.json": pretty(case) for name, case in invalid_rule_cases().items()}
    return files


def _rules(*rules: Doc, views: Sequence[Doc] = ()) -> Doc:
    return {"format_version": "1.0", "name": "Synthetic: refused at load", "views": list(views), "rules": list(rules)}


def _rule(rule_id: str, *deliver: Doc, **when: Any) -> Doc:
    return {"id": rule_id, "description": f"Rule {rule_id}.", "when": when, "deliver": list(deliver)}


def invalid_rule_cases() -> dict[str, Doc]:
    mash = {"to": {"role": "mash", "area": "child"}, "view": "full"}

    def case(description: str, rules: Doc, layer: str, *expected: tuple[str, str]) -> Doc:
        return {"description": description, "rules": rules, "layer": layer, "schema_refuses": layer == "schema",
                "expected": [{"pointer": p, "code": c} for p, c in expected]}

    return {
        "cs301-duplicate-rule-id": case(
            "Two rules share the id same.", _rules(_rule("same", mash, types=["concern"]),
                                                   _rule("same", mash, types=["update"])),
            "load", ("/rules/1/id", "CS301")),
        "cs302-role-and-agency": case(
            "A target names both a role and an agency.",
            _rules(_rule("both", {"to": {"role": "mash", "agency": MASH}, "view": "full"})),
            "load", ("/rules/0/deliver/0/to", "CS302")),
        "cs302-no-target": case(
            "A target names nothing at all.", _rules(_rule("empty", {"to": {}, "view": "full"})),
            "load", ("/rules/0/deliver/0/to", "CS302")),
        "cs302-area-without-role": case(
            "An area is given with an agency instead of a role.",
            _rules(_rule("area", {"to": {"agency": MASH, "area": "child"}, "view": "full"})),
            "load", ("/rules/0/deliver/0/to/area", "CS302")),
        "cs303-undefined-view": case(
            "A delivery names a view that is neither built in nor defined.",
            _rules(_rule("view", {"to": {"agency": MASH}, "view": "secret_squirrel"})),
            "load", ("/rules/0/deliver/0/view", "CS303")),
        "cs304-timescale-and-working-days": case(
            "A response gives both a named timescale and a number of working days.",
            _rules(_rule("both", mash | {"response": {"expects": "decision", "timescale": "referral_decision",
                                                      "working_days": 2}})),
            "load", ("/rules/0/deliver/0/response", "CS304")),
        "cs304-neither-timescale-nor-working-days": case(
            "A response gives neither a named timescale nor a number of working days.",
            _rules(_rule("neither", mash | {"response": {"expects": "decision"}})),
            "load", ("/rules/0/deliver/0/response", "CS304")),
        "cs305-overlapping-rules-two-views": case(
            "Two rules that can both apply (a high-risk concern) give the MASH different views.",
            _rules(_rule("all-concerns", mash, types=["concern"]),
                   _rule("high-risk", {"to": {"role": "mash"}, "view": "health"}, risk_levels=["high"])),
            "load", ("/rules/1", "CS305")),
        "cs305-one-rule-two-views": case(
            "One rule gives the same agency two views.",
            _rules(_rule("twice", {"to": {"agency": MASH}, "view": "full"}, {"to": {"agency": MASH}, "view": "health"})),
            "load", ("/rules/0/deliver", "CS305")),
        "schema-unknown-member": case(
            "A rule carries a member the rules format does not define.",
            _rules(_rule("extra", mash) | {"priority": 1}), "schema", ("/rules/0/priority", "CS011")),
        "schema-unknown-role": case(
            "A target names a role outside the code list.",
            _rules(_rule("role", {"to": {"role": "dentist"}, "view": "full"})), "schema",
            ("/rules/0/deliver/0/to/role", "CS017")),
        "schema-no-rules": case(
            "A rule set with no rules.", _rules(), "schema", ("/rules", "CS020")),
        "schema-trailing-newline-rule-id": case(
            "A line feed after a rule id that matches its pattern (ECMA-262 $ matches only at the end of the string).",
            _rules(_rule("concern-to-mash\n", mash)), "schema", ("/rules/0/id", "CS018")),
    }


# -- the suite ---------------------------------------------------------------------------------


def suite() -> Files:
    """Every generated file, by its path under conformance/."""
    files = key_files()
    files |= {f"directories/{name}.json": pretty(case) for name, case in directory_cases().items()}
    files |= message_files()
    _, aged = routing_message("01-age-eight")
    files["messages/valid/edge-concern-child-aged-eight.json"] = pretty(valid_case(
        "The health visitors' concern (example 01) about a child born in 2005, aged eight when it was written; the routing cases use it for age bands.",
        aged))
    files |= sealed_files()
    files |= routing_files()
    files["deadlines/cases.json"] = DEADLINE_CASES.read_bytes()
    for path, data in files.items():
        if path.endswith(".json") and not path.startswith("keys/"):
            strictjson.parse(data)  # every case file is itself strict I-JSON
    return files


def write(out: Path, files: Files) -> None:
    """Write ``files`` under ``out``, removing stale files from the generated folders."""
    for folder in GENERATED:
        if (out / folder).exists():
            shutil.rmtree(out / folder)
    for path, data in sorted(files.items()):
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE, help="where to write (default: beside this script)")
    args = parser.parse_args(argv)
    files = suite()
    write(args.out, files)
    sys.stdout.write(f"{args.out}: {len(files)} files\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
