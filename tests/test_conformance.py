"""The conformance suite in conformance/: the library passes all of it, Ajv agrees on its schemas, it is up to date.

Every case of the suite is run against the library: valid messages are clean (the newer-minor one
warns as recorded), invalid ones give their pointer and code at their layer, sealed documents open to
the exact plaintext at their reference time or are refused with their error class, directories are
accepted or refused as recorded, routing plans are equal, deadline cases give their due times. The
schema part is also run with Ajv (``tests/conformance_ajv``: npm ``ajv`` pinned, JSON Schema 2020-12,
strict mode) and its verdicts compared with the cases and with the library's own validator (jsonschema,
reading patterns as ECMA-262 does). Finally
``conformance/generate.py`` is run into a temporary folder and must give the committed files exactly.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from concernshare import codec, deadlines, schema, strictjson
from concernshare.crypto import _jose, keys
from concernshare.crypto._b64 import b64decode
from concernshare.directory import Directory, open_directory
from concernshare.errors import (
    ContentRefused,
    CryptoError,
    DirectoryRefused,
    Expired,
    InvalidDocument,
    InvalidRecord,
    NotForUs,
    RefusedStatus,
    Replayed,
    Revoked,
    SchemaViolation,
    SealError,
    Severity,
    UntrustedSender,
    UsageError,
)
from concernshare.records import Status
from concernshare.routing.plan import RoutingError, route
from concernshare.routing.rules import load_rules
from concernshare.sealing import OpenPolicy, open_sealed
from concernshare.stores import DirectoryEdition, MemoryStore
from concernshare.stores.interface import Receipt
from concernshare.validation import iter_problems

REPO = Path(__file__).resolve().parent.parent
SUITE = REPO / "conformance"
SCHEMAS = REPO / "src" / "concernshare" / "schemas"
AJV = Path(__file__).resolve().parent / "conformance_ajv"
Case = dict[str, Any]


@functools.cache
def _cases(folder: str) -> tuple[tuple[str, Case], ...]:
    return tuple((p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in sorted((SUITE / folder).glob("*.json")))


def _params(folder: str) -> list[Any]:
    return [pytest.param(name, case, id=name) for name, case in _cases(folder)]


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# -- the shape of the suite ------------------------------------------------------------------------


_REQUIRED = {
    "messages/valid": {
        "description",
        "document",
        "now",
        "expected_warnings",
        "canonical",
        "schema_refuses_only_unknown_members",
    },
    "messages/invalid": {"description", "now", "layer", "schema_refuses", "expected"},
    "sealed": {
        "description",
        "sealed",
        "directory",
        "now",
        "mode",
        "policy",
        "opener",
        "prior_receipts",
        "construction",
        "expected",
    },
    "directories": {"description", "signed", "authorities", "now", "last_seen", "payload_schema_valid", "expected"},
    "routing/cases": {"description", "rules", "message", "directory", "at", "calendar", "schools", "expected"},
    "routing/invalid": {"description", "rules", "layer", "schema_refuses", "expected"},
}


@pytest.mark.parametrize("folder", sorted(_REQUIRED))
def test_every_case_describes_itself(folder: str) -> None:
    """Every case file is strict I-JSON with a description, the members of its kind, and files it names that exist."""
    found = _cases(folder)
    assert found, folder
    for name, case in found:
        strictjson.parse((SUITE / folder / f"{name}.json").read_bytes())
        assert _REQUIRED[folder] <= case.keys(), name
        assert case["description"].strip(), name
        for member in ("directory", "rules", "message"):
            if isinstance(case.get(member), str):
                assert (SUITE / case[member]).is_file(), (name, member)
        if folder == "messages/invalid":
            assert ("document" in case) != ("document_base64" in case), name
            assert case["layer"] in {"parse", "version", "schema", "semantic"}, name
            assert case["schema_refuses"] is (None if case["layer"] == "parse" else case["layer"] == "schema"), name


def test_every_key_file_is_a_test_key_set() -> None:
    """The suite's keys are JWK Sets this library reads, each public set the public half of its private set."""
    privates = sorted((SUITE / "keys").glob("*.private.jwks"))
    assert len(privates) >= 10
    for path in privates:
        private = keys.read_private_jwk_set(path)
        public = keys.loads_public_jwk_set(path.with_name(path.name.replace(".private.", ".public.")).read_bytes())
        assert [k.public for k in private] == list(public)


# -- messages ---------------------------------------------------------------------------------------


def _document_bytes(case: Case) -> bytes:
    if "document_base64" in case:
        return base64.b64decode(case["document_base64"], validate=True)
    return json.dumps(case["document"], ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize(("name", "case"), _params("messages/valid"))
def test_valid_message(name: str, case: Case) -> None:
    """A valid message gives no problem at all, except the warnings its case records, and canonical ones round-trip."""
    raw = _document_bytes(case)
    now = _time(case["now"]) if case["now"] else None
    found = sorted((p.pointer, p.code, p.severity) for p in iter_problems(raw, now=now))
    expected = sorted((w["pointer"], w["code"], Severity.WARNING) for w in case["expected_warnings"])
    assert found == expected
    written = json.loads(codec.dumps(codec.loads(raw)))
    assert (written == case["document"]) is case["canonical"]


@pytest.mark.parametrize(("name", "case"), _params("messages/invalid"))
def test_invalid_message(name: str, case: Case) -> None:
    """An invalid message is refused with every expected pointer and code, as errors."""
    raw = _document_bytes(case)
    now = _time(case["now"]) if case["now"] else None
    errors = {(p.pointer, p.code) for p in iter_problems(raw, now=now) if p.severity is Severity.ERROR}
    expected = {(e["pointer"], e["code"]) for e in case["expected"]}
    assert expected <= errors


@pytest.mark.parametrize(("name", "case"), _params("messages/invalid"))
def test_invalid_message_layer(name: str, case: Case) -> None:
    """The layer a case names is the one that refuses it: parse, the version gate, the schema, or the semantics."""
    raw = _document_bytes(case)
    if case["layer"] == "parse":
        with pytest.raises(InvalidRecord):
            strictjson.parse(raw)
        return
    document = strictjson.parse(raw)
    expected = {(e["pointer"], e["code"]) for e in case["expected"]}
    verdict = schema.validator("message").is_valid(document)
    assert verdict is not case["schema_refuses"]
    if case["layer"] == "version":
        version = codec.version_of(document)
        assert version is not None
        assert version[0] != codec.MAJOR
    elif case["layer"] == "schema":
        assert expected <= {(p.pointer, p.code) for p in schema.iter_problems(document)}


# -- sealed -----------------------------------------------------------------------------------------


_SEAL_ERRORS: dict[str, type[SealError]] = {
    "crypto": CryptoError,
    "malformed": _jose.JoseError,
    "not_for_us": NotForUs,
    "untrusted_sender": UntrustedSender,
    "revoked": Revoked,
    "stale": Expired,
    "replayed": Replayed,
    "refused_status": RefusedStatus,
    "content_refused": ContentRefused,
}


#: What this library says for each malformed case: proof that the case breaks only the rule it names.
_MALFORMED_BECAUSE = {
    "refused-aad": "(aad)",
    "refused-alg-dir": "(alg dir)",
    "refused-base64url-padding": "strict base64url",
    "refused-compact-serialization": "compact serialization",
    "refused-crit-unknown": "crit names extensions",
    "refused-duplicate-member-in-protected-header": "same member twice",
    "refused-enc-a128gcm": "content encryption",
    "refused-inner-alg-none": "(alg none)",
    "refused-inner-embedded-jwk": "(jwk)",
    "refused-inner-hmac": "signature algorithm",
    "refused-inner-two-signatures": "more than one signature",
    "refused-inner-typ-substituted": "typ or cty",
    "refused-jku": "(jku)",
    "refused-parameter-in-two-headers": "more than one header",
    "refused-personal-data-in-header": "allow-list",
    "refused-signed-only-given-as-sealed": "serialization does not define",
    "refused-typ-in-unprotected-header": "typ header parameter is not allowed",
    "refused-typ-substituted": "typ or cty",
    "refused-zip": "(zip)",
}


def _pinned(files: list[str]) -> list[keys.PublicJwk]:
    return [key for file in files for key in keys.loads_public_jwk_set((SUITE / file).read_bytes())]


@functools.cache
def _directory(reference: str) -> Directory:
    """The directory that a directory case accepts, opened as that case says (once: a directory is immutable)."""
    case = json.loads((SUITE / reference).read_text(encoding="utf-8"))
    assert case["expected"]["outcome"] == "accepted"
    return open_directory(case["signed"].encode(), _pinned(case["authorities"]), now=_time(case["now"]))


@pytest.mark.parametrize(("name", "case"), _params("sealed"))
def test_sealed(name: str, case: Case) -> None:
    """A sealed document opens to exactly its expected plaintext and payload, or is refused with its error class."""
    directory = _directory(case["directory"])
    store = MemoryStore()
    for receipt in case["prior_receipts"]:
        received = _time(receipt["received"])
        store.record(
            Receipt(
                sender=receipt["sender"],
                message_id=receipt["message_id"],
                sent=_time(receipt["sent"]),
                received=received,
                digest=receipt.get("digest"),
            ),
            keep_until=received + dt.timedelta(days=3650),
        )
    opener = case["opener"]
    decrypters = keys.decrypters_from(keys.read_private_jwk_set(SUITE / opener["keys"]))
    policy = OpenPolicy(
        window=dt.timedelta(seconds=case["policy"]["window_seconds"]),
        skew=dt.timedelta(seconds=case["policy"]["skew_seconds"]),
        accept_status=frozenset(Status(s) for s in case["policy"]["accept_status"]),
    )
    sealed, expected = case["sealed"].encode("utf-8"), case["expected"]

    def run() -> Any:
        return open_sealed(
            sealed,
            decrypters,
            me=opener["agency"],
            directory=directory,
            store=store,
            now=_time(case["now"]),
            archive=case["mode"] == "archive",
            policy=policy,
        )

    if expected["outcome"] == "opened":
        opened = run()
        assert opened.payload == expected["payload"].encode("utf-8")
        assert (opened.sender, opened.kid, str(opened.message.id)) == (
            expected["sender"],
            expected["kid"],
            expected["message_id"],
        )
        plaintext = _jose.decrypt(sealed, decrypters, typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)
        assert plaintext == expected["plaintext"].encode("ascii")
        return
    with pytest.raises(SealError) as refused:
        run()
    assert type(refused.value) is _SEAL_ERRORS[expected["error"]], refused.value
    if expected["error"] == "malformed":  # refused for the rule the case breaks, not for some other slip
        assert _MALFORMED_BECAUSE[name] in str(refused.value)
    if expected["error"] == "content_refused":
        assert isinstance(refused.value, ContentRefused)
        found = {(p.pointer, p.code) for p in refused.value.problems}
        assert {(p["pointer"], p["code"]) for p in expected["problems"]} <= found


def test_sealed_cases_cover_every_refusal_class() -> None:
    """The sealed cases open at least once in each mode and refuse at least once with each error class."""
    outcomes = {(c["expected"]["outcome"], c["expected"].get("error")) for _, c in _cases("sealed")}
    assert {("refused", error) for error in _SEAL_ERRORS} <= outcomes
    assert {c["mode"] for _, c in _cases("sealed") if c["expected"]["outcome"] == "opened"} == {"live", "archive"}


# -- directories ------------------------------------------------------------------------------------


#: A fragment of the library's message for each refusal reason, so that a case fails for its own reason.
_DIRECTORY_REASONS = {
    "unsigned": "not signed by a pinned authority key",
    "untrusted_signature": "not signed by a pinned authority key",
    "malformed": "not signed by a pinned authority key",
    "invalid_content": "content is not valid",
    "inconsistent": "listed under two agencies",
    "expired": "has expired",
    "not_yet_issued": "dated in the future",
    "rolled_back": "older than serial",
}


@pytest.mark.parametrize(("name", "case"), _params("directories"))
def test_directory(name: str, case: Case) -> None:
    """A signed directory is accepted with its id, serial and agencies, or refused for its recorded reason."""
    store = MemoryStore()
    if case["last_seen"] is not None:
        # The suite records the last edition seen by id and serial; here it is remembered for each pinned key,
        # as this very edition (its payload's digest), so that an equal serial is the same edition seen again.
        payload = b64decode(json.loads(case["signed"])["payload"])
        seen = DirectoryEdition(
            directory_id=case["last_seen"]["directory_id"],
            serial=case["last_seen"]["serial"],
            digest=hashlib.sha256(payload).hexdigest(),
        )
        for authority in _pinned(case["authorities"]):
            store.note_directory_serial(authority.kid, seen)
    expected = case["expected"]

    def run() -> Directory:
        return open_directory(
            case["signed"].encode("utf-8"), _pinned(case["authorities"]), now=_time(case["now"]), store=store
        )

    if expected["outcome"] == "accepted":
        directory = run()
        assert (directory.directory_id, directory.serial) == (expected["directory_id"], expected["serial"])
        assert [a.id for a in directory.agencies] == expected["agencies"]
        return
    with pytest.raises(DirectoryRefused, match=_DIRECTORY_REASONS[expected["reason"]]):
        run()


# -- routing ----------------------------------------------------------------------------------------


def _school(data: Case) -> deadlines.SchoolCalendar:
    return deadlines.SchoolCalendar(
        day_start=dt.time.fromisoformat(data["day_start"]),
        weekdays=tuple(data["weekdays"]),
        terms=tuple(
            deadlines.Term(
                first_day=dt.date.fromisoformat(t["first_day"]), last_day=dt.date.fromisoformat(t["last_day"])
            )
            for t in data["terms"]
        ),
        closures=tuple(dt.date.fromisoformat(day) for day in data["closures"]),
    )


@pytest.mark.parametrize(("name", "case"), _params("routing/cases"))
def test_routing_case(name: str, case: Case) -> None:
    """A message routed by a rule set and a directory at a time gives exactly the expected plan, or a routing error."""
    rules = load_rules((SUITE / case["rules"]).read_bytes())
    message_case = json.loads((SUITE / case["message"]).read_text(encoding="utf-8"))
    message = codec.loads(json.dumps(message_case["document"]).encode())
    calendar = deadlines.WorkingCalendar(closures=tuple(dt.date.fromisoformat(d) for d in case["calendar"]["closures"]))
    schools = {agency: _school(data) for agency, data in case["schools"].items()}

    def run() -> dict[str, Any]:
        return route(
            message, rules, _directory(case["directory"]), _time(case["at"]), calendar=calendar, schools=schools
        ).to_json()

    if case["expected"]["outcome"] == "routed":
        assert run() == case["expected"]["plan"]
        return
    with pytest.raises(RoutingError):
        run()


@pytest.mark.parametrize(("name", "case"), _params("routing/invalid"))
def test_invalid_rule_set(name: str, case: Case) -> None:
    """A rule set that must be refused at load is refused by its layer with every expected pointer and code."""
    with pytest.raises(InvalidDocument) as refused:
        load_rules(json.dumps(case["rules"]))
    assert isinstance(refused.value, SchemaViolation) is (case["layer"] == "schema")
    found = {(p.pointer, p.code) for p in refused.value.problems}
    assert {(e["pointer"], e["code"]) for e in case["expected"]} <= found


@pytest.mark.parametrize(("name", "case"), _params("routing/invalid"))
def test_invalid_rule_set_schema_verdict(name: str, case: Case) -> None:
    """Python's jsonschema refuses exactly the rule sets marked schema_refuses."""
    assert schema.validator("routing").is_valid(case["rules"]) is not case["schema_refuses"]


def test_rule_set_cases_cover_every_load_code() -> None:
    """The refused rule sets include every load-time code, CS301 to CS305."""
    codes = {e["code"] for _, c in _cases("routing/invalid") for e in c["expected"]}
    assert {"CS301", "CS302", "CS303", "CS304", "CS305"} <= codes


# -- deadlines --------------------------------------------------------------------------------------


_DEADLINES = json.loads((SUITE / "deadlines" / "cases.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", _DEADLINES, ids=[c["name"] for c in _DEADLINES])
def test_deadline_case(case: Case) -> None:
    """A deadline case gives its due time with the same UTC offset (and lateness), or its start is refused."""
    if "timescale" in case:
        timescale = deadlines.TIMESCALES[case["timescale"]]
    else:
        timescale = deadlines.Timescale(
            name=f"local_{case['working_days']}",
            kind=deadlines.TimescaleKind.WORKING_DAYS,
            working_days=case["working_days"],
        )
    calendar = deadlines.WorkingCalendar(closures=tuple(dt.date.fromisoformat(d) for d in case["calendar"]["closures"]))
    school = _school(case["school"]) if case["school"] else None
    start = dt.datetime.fromisoformat(case["start"])
    if "expected_error" in case:
        with pytest.raises(UsageError):
            deadlines.due(timescale, start, calendar=calendar, school=school)
        return
    result = deadlines.due(timescale, start, calendar=calendar, school=school)
    expected = dt.datetime.fromisoformat(case["expected_due"])
    assert (result, result.utcoffset()) == (expected, expected.utcoffset())
    if "sent" in case:
        assert deadlines.late(dt.datetime.fromisoformat(case["sent"]), result) is case["expected_late"]


# -- the generator ----------------------------------------------------------------------------------


def test_generated_files_are_up_to_date(tmp_path: Path) -> None:
    """conformance/generate.py, run into a temporary folder, writes exactly the committed generated files."""
    spec = importlib.util.spec_from_file_location("conformance_generate", SUITE / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    assert generate.main(["--out", str(tmp_path)]) == 0

    def listing(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for folder in generate.GENERATED
            for p in sorted((root / folder).rglob("*"))
            if p.is_file()
        }

    made, committed = listing(tmp_path), listing(SUITE)
    assert sorted(made) == sorted(committed), "run .venv/bin/python conformance/generate.py"
    stale = [path for path in made if made[path] != committed[path]]
    assert stale == [], "run .venv/bin/python conformance/generate.py"


# -- the schema part in Ajv -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def ajv() -> dict[str, Any]:
    """Ajv's verdicts on every document of the suite's schema part, installing the pinned ajv with npm ci if needed."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        why = "the Ajv conformance tests need Node.js 20 or later: `node` and `npm` must be on PATH"
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why + " (they fail instead of skipping when CI is set)")
    lock = json.loads((AJV / "package-lock.json").read_text(encoding="utf-8"))
    pinned = lock["packages"]["node_modules/ajv"]["version"]
    installed = AJV / "node_modules" / "ajv" / "package.json"
    if not installed.is_file() or json.loads(installed.read_text(encoding="utf-8"))["version"] != pinned:
        done = subprocess.run(
            [npm, "ci", "--prefix", str(AJV), "--no-audit", "--no-fund"],
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        if done.returncode != 0:
            pytest.fail(f"`npm ci --prefix tests/conformance_ajv` failed (exit {done.returncode}):\n{done.stderr}")
    done = subprocess.run(
        [node, str(AJV / "check_schemas.mjs"), str(SUITE), str(SCHEMAS)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if done.returncode != 0:
        pytest.fail(f"check_schemas.mjs failed (exit {done.returncode}):\n{done.stderr}")
    report: dict[str, Any] = json.loads(done.stdout)
    assert report["ajv_version"] == pinned
    return {"version": report["ajv_version"], "results": {r["file"]: r for r in report["results"]}}


def _verdict(ajv: dict[str, Any], folder: str, name: str) -> dict[str, Any]:
    result: dict[str, Any] = ajv["results"][f"{folder}/{name}.json"]
    return result


@pytest.mark.parametrize(("name", "case"), _params("messages/valid"))
def test_ajv_valid_message(ajv: dict[str, Any], name: str, case: Case) -> None:
    """Ajv accepts every valid message, or refuses a newer-minor one only for its unknown members."""
    result = _verdict(ajv, "messages/valid", name)
    unknown = case["schema_refuses_only_unknown_members"]
    if not unknown:
        assert result["valid"], result["errors"]
        return
    assert not result["valid"]
    errors = [e for e in result["errors"] if e["keyword"] != "if"]  # Ajv adds an "if" error above a failing "then"
    assert {e["keyword"] for e in errors} == {"additionalProperties"}
    assert {f"{e['instancePath']}/{e['params']['additionalProperty']}" for e in errors} == set(unknown)


@pytest.mark.parametrize(("name", "case"), [p for p in _params("messages/invalid") if "document" in p.values[1]])
def test_ajv_invalid_message(ajv: dict[str, Any], name: str, case: Case) -> None:
    """Ajv refuses exactly the invalid messages marked schema_refuses and accepts the others (semantic, version)."""
    result = _verdict(ajv, "messages/invalid", name)
    assert result["valid"] is not case["schema_refuses"], result["errors"]


@pytest.mark.parametrize(("name", "case"), _params("directories"))
def test_ajv_directory_payload(ajv: dict[str, Any], name: str, case: Case) -> None:
    """Ajv's verdict on each signed directory's payload is the one its case records."""
    result = ajv["results"].get(f"directories/{name}.json")
    if case["payload_schema_valid"] is None:
        assert result is None
        return
    assert result is not None
    assert result["valid"] is case["payload_schema_valid"], result["errors"]


def test_ajv_routing_rule_sets(ajv: dict[str, Any]) -> None:
    """Ajv accepts every rule set of the routing cases and refuses exactly the refused ones marked schema_refuses."""
    for name, _ in _cases("routing/rules"):
        assert _verdict(ajv, "routing/rules", name)["valid"], name
    verdicts = {name: _verdict(ajv, "routing/invalid", name)["valid"] for name, _ in _cases("routing/invalid")}
    assert verdicts == {name: not case["schema_refuses"] for name, case in _cases("routing/invalid")}


def _python_verdict(result: dict[str, Any]) -> bool:
    folder, name = result["file"].rsplit("/", 1)
    case = json.loads((SUITE / folder / name).read_text(encoding="utf-8"))
    if result["what"] == "document":
        document = case["document"]
    elif result["what"] == "rules":
        document = case["rules"] if folder == "routing/invalid" else case
    else:
        signed = json.loads(case["signed"])
        document = json.loads(base64.urlsafe_b64decode(signed["payload"] + "=" * (-len(signed["payload"]) % 4)))
    return bool(schema.validator(result["schema"]).is_valid(document))


def test_ajv_and_python_jsonschema_agree(ajv: dict[str, Any]) -> None:
    """Ajv and the library's jsonschema validator give the same verdict on every document of the schema part."""
    disagree = {
        file: f"Ajv {'accepts' if result['valid'] else 'refuses'}, Python jsonschema "
        f"{'accepts' if python else 'refuses'}: {result['errors']}"
        for file, result in ajv["results"].items()
        if (python := _python_verdict(result)) is not result["valid"]
    }
    assert disagree == {}, json.dumps(disagree, indent=1)
