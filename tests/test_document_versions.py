"""Tests for the versions of the routing rules and trust directory documents: a reader takes 1.0 and 1.1, refuses a
1.1 member or code in a document declaring 1.0, and refuses a member it does not know in a newer minor."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from concernshare import codec, schema
from concernshare.cli import main
from concernshare.crypto import keys
from concernshare.directory import DIRECTORY_VERSION, Directory, MeshAddress, open_directory, sign_directory
from concernshare.errors import DirectoryRefused, InvalidDocument
from concernshare.routing.rules import RULES_VERSION, load_rules
from concernshare.testing.world import World, make_world

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
ROOT = Path(__file__).resolve().parent.parent

#: A rule set that format 1.0 could already say.
RULES_1_0: dict[str, Any] = {
    "format_version": "1.0",
    "name": "Versions",
    "rules": [
        {
            "id": "concern-to-mash",
            "description": "Every concern goes to the child's MASH.",
            "when": {"types": ["concern"]},
            "deliver": [
                {
                    "to": {"role": "mash", "area": "child"},
                    "view": "full",
                    "response": {"expects": "decision", "timescale": "referral_decision"},
                }
            ],
        }
    ],
}


def _rules(version: str, *edits: tuple[str, Any]) -> dict[str, Any]:
    """The 1.0 rule set declaring ``version``, with members set at pointers (``/rules/0/...``)."""
    document = copy.deepcopy(RULES_1_0)
    document["format_version"] = version
    for pointer, value in edits:
        *path, last = pointer.strip("/").split("/")
        node: Any = document
        for token in path:
            node = node[int(token)] if isinstance(node, list) else node[token]
        node[last] = value
    return document


#: Members and codes that came in format 1.1 of the rule set, each at the place it goes.
RULES_1_1_ADDITIONS = [
    pytest.param("/rules/0/deliver/0/to", {"holders": True}, "/rules/0/deliver/0/to/holders", "CS011", id="holders"),
    pytest.param(
        "/rules/0/deliver/0/response",
        {"expects": "decision", "hours": 4},
        "/rules/0/deliver/0/response/hours",
        "CS011",
        id="hours",
    ),
    pytest.param(
        "/rules/0/deliver/0/response",
        {"expects": "response", "respond_by": True},
        "/rules/0/deliver/0/response/respond_by",
        "CS011",
        id="respond_by",
    ),
    pytest.param("/rules/0/when", {"out_of_hours": True}, "/rules/0/when/out_of_hours", "CS011", id="out_of_hours"),
    pytest.param(
        "/rules/0/when",
        {"any_of": [{"immediate_danger": True}]},
        "/rules/0/when/any_of",
        "CS011",
        id="any_of",
    ),
    pytest.param(
        "/rules/0/when",
        {"types": ["child_protection_conference"], "conference_kinds": ["review"]},
        "/rules/0/when/conference_kinds",
        "CS011",
        id="conference_kinds",
    ),
    pytest.param(
        "/rules/0/when",
        {"types": ["strategy_discussion"]},
        "/rules/0/when/types/0",
        "CS017",
        id="process-message-type",
    ),
    pytest.param(
        "/rules/0/deliver/0/to",
        {"role": "emergency_duty_team"},
        "/rules/0/deliver/0/to/role",
        "CS017",
        id="emergency-duty-team-role",
    ),
    pytest.param(
        "/rules/0/deliver/0/to",
        {"role": "mash", "area": "W06000015"},
        "/rules/0/deliver/0/to/area",
        "CS018",
        id="welsh-council-area",
    ),
    pytest.param(
        "/rules/0/deliver/0/to",
        {"agency": "ofsted:EY123456"},
        "/rules/0/deliver/0/to/agency",
        "CS018",
        id="ofsted-agency",
    ),
]


def test_the_versions_are_1_1() -> None:
    """Format 1.1 added members to both documents, so both declare 1.1 when written."""
    assert (RULES_VERSION, DIRECTORY_VERSION) == ("1.1", "1.1")


def test_a_1_0_rule_set_still_loads() -> None:
    """A rule set written for 1.0 loads unchanged."""
    assert load_rules(json.dumps(RULES_1_0)).format_version == "1.0"


@pytest.mark.parametrize(("pointer", "value", "where", "code"), RULES_1_1_ADDITIONS)
def test_a_1_1_addition_loads_in_a_1_1_rule_set(pointer: str, value: dict[str, Any], where: str, code: str) -> None:
    """Each 1.1 member or code is taken in a rule set declaring 1.1."""
    assert list(schema.iter_problems(_rules("1.1", (pointer, value)), "routing")) == []


@pytest.mark.parametrize(("pointer", "value", "where", "code"), RULES_1_1_ADDITIONS)
def test_a_1_1_addition_is_refused_in_a_1_0_rule_set(
    pointer: str, value: dict[str, Any], where: str, code: str
) -> None:
    """Each 1.1 member or code is refused in a rule set declaring 1.0, pointed at and coded."""
    with pytest.raises(InvalidDocument) as caught:
        load_rules(json.dumps(_rules("1.0", (pointer, value))))
    found = {(p.pointer, p.code): p.message for p in caught.value.problems}
    assert (where, code) in found
    if code == "CS011":
        assert "later minor version" in found[where, code]
        assert "newer format_version" in found[where, code]


def test_a_newer_minor_rule_set_with_only_known_members_loads() -> None:
    """A rule set of a newer minor that uses nothing new is read: a newer minor only adds optional members."""
    assert load_rules(json.dumps(_rules("1.7"))).format_version == "1.7"


def test_an_unknown_member_of_a_newer_minor_rule_set_is_refused() -> None:
    """A member this reader does not know is refused even in a newer minor: a rule nobody reads must not be
    silently dropped from the routing."""
    document = _rules("1.2", ("/rules/0/when", {"types": ["concern"], "school_holidays": True}))
    with pytest.raises(InvalidDocument) as caught:
        load_rules(json.dumps(document))
    [problem] = caught.value.problems
    assert (problem.pointer, problem.code) == ("/rules/0/when/school_holidays", "CS011")
    assert "newer concernshare" in problem.message
    assert "extensions" not in problem.message


@pytest.mark.parametrize("version", ["2.0", "0.9", "1", "1.01", "1.0\n"])
def test_another_major_or_a_malformed_version_is_refused(version: str) -> None:
    """Only 1.x rule sets are read; a newer major is refused at /format_version."""
    with pytest.raises(InvalidDocument) as caught:
        load_rules(json.dumps(_rules(version)))
    assert [(p.pointer, p.code) for p in caught.value.problems] == [("/format_version", "CS018")]


@pytest.mark.parametrize(
    "path",
    [
        "examples/routing/mash-front-door.json",
        "src/concernshare/_story/mash-front-door.json",
        "conformance/routing/rules/mash-front-door.json",
    ],
)
def test_the_example_rule_sets_declare_the_version_they_use(path: str) -> None:
    """The example rule set uses 1.1 members, so it declares 1.1 (and loads)."""
    assert load_rules((ROOT / path).read_bytes()).format_version == "1.1"


@pytest.fixture(scope="module")
def world() -> World:
    """Two agencies and a directory signed by a fresh authority."""
    return make_world({"la:E06000032/mash": ["mash"], "ods:E81001": ["gp"]}, now=NOW)


def _reopen(world: World, **changes: Any) -> Any:
    directory = attrs.evolve(world.directory, **changes)
    return open_directory(world.resign(directory), [world.authority.public], now=NOW)


def _with_mesh(world: World) -> Any:
    first, *others = world.directory.agencies
    mesh = MeshAddress(mailbox="X26HC001", workflow="CONCERNSHARE_MESSAGE")
    return (attrs.evolve(first, mesh=mesh), *others)


def test_a_1_0_directory_still_opens(world: World) -> None:
    """A directory declaring 1.0 that uses nothing new opens."""
    assert _reopen(world, format_version="1.0").format_version == "1.0"


def test_a_1_1_directory_with_a_mesh_address_opens(world: World) -> None:
    """A MESH address, new in 1.1, is read in a directory declaring 1.1."""
    opened = _reopen(world, agencies=_with_mesh(world))
    assert opened.agencies[0].mesh is not None


@pytest.mark.parametrize(
    ("change", "where", "code"),
    [
        ("mesh", "/agencies/0/mesh", "CS011"),
        ("role", "/agencies/0/roles/0", "CS017"),
        ("area", "/agencies/0/areas/0", "CS018"),
    ],
)
def test_a_1_1_addition_is_refused_in_a_1_0_directory(world: World, change: str, where: str, code: str) -> None:
    """A MESH address, the emergency duty team role or a Welsh council's area is refused in a 1.0 directory,
    and the refusal names the pointer and the code."""
    first, *others = world.directory.agencies
    changed = {
        "mesh": _with_mesh(world)[0],
        "role": attrs.evolve(first, roles=("emergency_duty_team",)),
        "area": attrs.evolve(first, areas=("W06000015",)),
    }[change]
    with pytest.raises(DirectoryRefused, match=rf"content is not valid: {where} \[{code}\]"):
        _reopen(world, format_version="1.0", agencies=(changed, *others))


def test_an_unknown_member_of_a_newer_minor_directory_is_refused(world: World) -> None:
    """A directory member this reader does not know is refused, even in a newer minor."""
    document: dict[str, Any] = codec.unstructure(world.directory)
    document["format_version"] = "1.2"
    document["agencies"][0]["telephone"] = "01632 960000"
    problems = [(p.pointer, p.code) for p in schema.iter_problems(document, "directory")]
    assert problems == [("/agencies/0/telephone", "CS011")]
    document["agencies"][0].pop("telephone")
    assert list(schema.iter_problems(document, "directory")) == []


def test_an_edit_of_a_1_0_directory_is_published_as_1_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding an emergency duty team (a 1.1 role) to a directory made at 1.0 publishes an edition declaring 1.1, which
    opens, instead of a 1.0 edition that every reader would refuse."""
    monkeypatch.setenv("CONCERNSHARE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)

    def run(*argv: str) -> None:
        err = io.StringIO()
        assert main(list(argv), stdout=io.StringIO(), stderr=err, stdin=io.BytesIO()) == 0, err.getvalue()

    run("keygen", "--authority", "--out", "keys")
    run("keygen", "--agency", "la:E06000032/edt", "--out", "keys")
    authority = keys.read_private_jwk_set(tmp_path / "keys" / "authority.private.jwks")
    issued = dt.datetime.now(dt.UTC)  # the command reads the wall clock, so the edition must be current
    expires = issued + dt.timedelta(days=30)
    old = Directory(format_version="1.0", directory_id="luton", serial=1, issued=issued, expires=expires, agencies=())
    (tmp_path / "dir.jws").write_bytes(sign_directory(old, keys.signer_from(authority)))
    run(
        "directory", "add", "dir.jws", "--agency", "la:E06000032/edt", "--name", "Emergency duty team",
        "--roles", "emergency_duty_team", "--area", "E06000032",
        "--keys", "keys/la_E06000032_edt.public.jwks", "--authority-key", "keys/authority.private.jwks",
    )  # fmt: skip
    pinned = [k.public for k in authority if k.public.use == "sig"]
    opened = open_directory((tmp_path / "dir.jws").read_bytes(), pinned, now=issued)
    assert (opened.format_version, opened.serial) == (DIRECTORY_VERSION, 2)
    assert [a.roles for a in opened.agencies] == [("emergency_duty_team",)]
