"""The Python entry points refuse wrong inputs with a typed error that says what is wrong.

Naive datetimes, key files mixed up, a path given where keys are expected;
and the conveniences beside them: validate() of a record, PartialDate from
its wire form, stores as context managers, read_public_jwk_set.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from _samples import MINIMAL
from concernshare import checks, codec, demo, validation
from concernshare.chronology.build import build_chronologies, build_chronology
from concernshare.chronology.patterns import Thresholds, find_patterns
from concernshare.crypto import keys
from concernshare.directory import open_directory
from concernshare.errors import InvalidRecord, InvalidValue, NaiveTime, SealError, UsageError
from concernshare.exchange import receive, send
from concernshare.records import Message, PartialDate
from concernshare.routing.plan import route
from concernshare.routing.rules import load_rules
from concernshare.sealing import open_sealed, seal, sign_message, verify_message
from concernshare.stores import MemoryStore, SQLiteStore
from concernshare.testing.world import World, make_world
from concernshare.tracker import Tracker

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
NAIVE = dt.datetime(2026, 11, 25, 9, 0)  # the naive time every entry point must refuse
HV, MASH = "ods:RYV01/hv", "la:E06000032/mash"
RULES = Path(__file__).resolve().parent.parent / "examples" / "routing" / "mash-front-door.json"


@pytest.fixture(scope="module")
def world() -> World:
    """Health visiting and the MASH, with a signed directory."""
    return make_world({HV: ["health_visiting"], MASH: ["mash"]}, now=NOW)


def _message(**changes: Any) -> Message:
    document: dict[str, Any] = copy.deepcopy(MINIMAL)
    document.update(status="actual", recipients=[MASH], created="2026-11-25T08:50:00Z")
    document.update(changes)
    return codec.loads(json.dumps(document))


def _entry_points(world: World) -> dict[str, Callable[[dt.datetime], object]]:
    message = _message()
    sealed = seal(message, world[HV].signer, directory=world.directory, now=NOW)
    signed = sign_message(message, world[HV].signer, directory=world.directory, now=NOW)
    rules = load_rules(RULES.read_bytes())
    tracker = Tracker(MemoryStore())
    return {
        "seal": lambda t: seal(message, world[HV].signer, directory=world.directory, now=t),
        "sign_message": lambda t: sign_message(message, world[HV].signer, directory=world.directory, now=t),
        "open_sealed": lambda t: open_sealed(
            sealed, world[MASH].decrypters, me=MASH, directory=world.directory, store=MemoryStore(), now=t
        ),
        "verify_message": lambda t: verify_message(signed, directory=world.directory, now=t),
        "send": lambda t: send(
            message, world[HV].signer, rules=rules, directory=world.directory, tracker=tracker, at=t
        ),
        "receive": lambda t: receive(
            sealed,
            world[MASH].decrypters,
            world[MASH].signer,
            me=MASH,
            directory=world.directory,
            store=MemoryStore(),
            tracker=tracker,
            at=t,
        ),
        "route": lambda t: route(message, rules, world.directory, t),
        "validate": lambda t: validation.validate(codec.dumps(message), now=t),
        "iter_problems": lambda t: list(validation.iter_problems(codec.dumps(message), now=t)),
        "is_valid": lambda t: validation.is_valid(codec.dumps(message), now=t),
        "checks.iter_problems": lambda t: list(checks.iter_problems(message, now=t)),
        "open_directory": lambda t: open_directory(world.signed_directory, [world.authority.public], now=t),
        "encryption_keys": lambda t: world.directory.encryption_keys(MASH, t),
        "tracker.overdue": tracker.overdue,
        "tracker.status": lambda t: tracker.status(message.id, at=t),
        "build_chronology": lambda t: build_chronology([message], generated=t),
        "build_chronologies": lambda t: build_chronologies([message], generated=t),
        "find_patterns": lambda t: find_patterns((), (), t, Thresholds()),
        "demo.run": lambda t: demo.run(Path("unused"), now=t, say=print),
    }


ENTRY_POINTS = [
    "seal",
    "sign_message",
    "open_sealed",
    "verify_message",
    "send",
    "receive",
    "route",
    "validate",
    "iter_problems",
    "is_valid",
    "checks.iter_problems",
    "open_directory",
    "encryption_keys",
    "tracker.overdue",
    "tracker.status",
    "build_chronology",
    "build_chronologies",
    "find_patterns",
    "demo.run",
]


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_every_entry_point_refuses_a_naive_time(world: World, name: str) -> None:
    """A naive time gives NaiveTime (a UsageError), never a bare TypeError or a host-dependent moment."""
    call = _entry_points(world)[name]
    with pytest.raises(UsageError, match="timezone-aware"):
        call(NAIVE)


def test_the_entry_points_are_all_named(world: World) -> None:
    """The parametrized names are exactly the entry points exercised."""
    assert sorted(_entry_points(world)) == sorted(ENTRY_POINTS)


def test_naive_time_is_a_value_error_too() -> None:
    """NaiveTime is a UsageError and a ValueError, so either handler catches it."""
    assert issubclass(NaiveTime, UsageError)
    assert issubclass(NaiveTime, ValueError)


def test_dumps_refuses_a_naive_time_with_its_pointer() -> None:
    """A record holding a naive time is not written in the host's zone: CS009 at the field's pointer."""
    message = attrs.evolve(_message(), created=NAIVE)
    with pytest.raises(InvalidRecord) as caught:
        codec.dumps(message)
    assert [(p.pointer, p.code) for p in caught.value.problems] == [("/created", "CS009")]


def test_dumps_points_into_nested_records_for_a_naive_time() -> None:
    """The pointer names a naive time inside a nested record too."""
    message = _message()
    decision = attrs.evolve(message.sharing_decision, decided_at=NAIVE)
    with pytest.raises(InvalidRecord) as caught:
        codec.dumps(attrs.evolve(message, sharing_decision=decision))
    assert [(p.pointer, p.code) for p in caught.value.problems] == [("/sharing_decision/decided_at", "CS009")]


def test_validate_accepts_a_message_record() -> None:
    """validate() of a Message validates its canonical bytes and returns the same message."""
    message = _message()
    assert validation.validate(message) == message
    assert validation.is_valid(message)


def test_validate_of_a_record_reports_its_problems() -> None:
    """An invalid record gives the same problems as its bytes."""
    message = _message(recipients=[])
    assert [p.code for p in validation.iter_problems(message)] == [
        p.code for p in validation.iter_problems(codec.dumps(message))
    ]
    with pytest.raises(InvalidRecord):
        validation.validate(attrs.evolve(message, created=NAIVE))


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("2026-12-04", (2026, 12, 4)),
        ("2026-12", (2026, 12, None)),
        ("2026", (2026, None, None)),
    ],
)
def test_partial_date_from_its_wire_form(text: str, parts: tuple[int, int | None, int | None]) -> None:
    """PartialDate takes its wire form as well as its parts, and writes it back the same."""
    date = PartialDate(text)
    assert (date.year, date.month, date.day) == parts
    assert str(date) == text
    assert date == PartialDate(*parts)


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "2026-02-30",
        "26",
        "2026-1-4",
        "",
        "2026-12-04T00:00",
        "\uff12\uff10\uff12\uff16",
    ],
)
def test_partial_date_refuses_a_bad_string(text: str) -> None:
    """A string that is not YYYY, YYYY-MM or YYYY-MM-DD of the calendar is an InvalidValue (a ValueError)."""
    with pytest.raises(InvalidValue, match="is not a"):
        PartialDate(text)


def test_partial_date_refuses_text_with_parts() -> None:
    """Text and a month together are refused, not silently mixed."""
    with pytest.raises(InvalidValue, match="takes no month"):
        PartialDate("2026", 5)


# Key files mixed up.


def test_a_public_set_given_as_private_says_so(tmp_path: Path) -> None:
    """A public JWK Set read as private says it is a public key and which file to give."""
    key = keys.generate_signing_key()
    path = tmp_path / "a.public.jwks"
    path.write_bytes(keys.dumps_public_jwk_set([key.public]))
    with pytest.raises(SealError, match=r"no private part .* public key where a private one is expected"):
        keys.read_private_jwk_set(path)


def test_a_private_set_given_as_authorities_is_refused(tmp_path: Path) -> None:
    """A private JWK Set is never taken as public: reading it as public, or pinning its keys, is refused."""
    key = keys.generate_signing_key()
    path = tmp_path / "authority.private.jwks"
    keys.write_private_jwk_set(path, [key])
    with pytest.raises(SealError, match="private key where a public one is expected"):
        keys.read_public_jwk_set(path)
    with pytest.raises(UsageError, match="private key was given as a pinned authority"):
        open_directory(b"{}", [key], now=NOW)  # type: ignore[list-item]


def test_a_path_given_as_authorities_is_refused() -> None:
    """A file name where the pinned keys belong is refused with what to give instead."""
    with pytest.raises(UsageError, match="read_public_jwk_set"):
        open_directory(b"{}", "authority.public.jwks", now=NOW)  # type: ignore[arg-type]


@pytest.mark.parametrize("function", [keys.signer_from, keys.decrypters_from])
def test_a_path_given_to_signer_from_says_what_to_do(function: Callable[[Any], object], tmp_path: Path) -> None:
    """signer_from and decrypters_from given a file name say to read the file first."""
    for given in ("keys/hv.private.jwks", tmp_path / "hv.private.jwks"):
        with pytest.raises(UsageError, match=r"not a file name: .*read_private_jwk_set\(path\)"):
            function(given)


@pytest.mark.parametrize("function", [keys.signer_from, keys.decrypters_from])
def test_public_keys_given_to_signer_from_are_refused(function: Callable[[Any], object]) -> None:
    """Public keys cannot sign or decrypt: the error says private keys are needed."""
    with pytest.raises(UsageError, match="private keys"):
        function([keys.generate_signing_key().public])


def test_read_public_jwk_set_reads_what_was_written(tmp_path: Path) -> None:
    """read_public_jwk_set reads a public JWK Set file back to the same keys."""
    made = (keys.generate_signing_key().public, keys.generate_encryption_key().public)
    path = tmp_path / "a.public.jwks"
    path.write_bytes(keys.dumps_public_jwk_set(made))
    assert keys.read_public_jwk_set(path) == made


# Stores as context managers.


def test_sqlite_store_closes_at_the_end_of_a_with_block(tmp_path: Path) -> None:
    """``with SQLiteStore(path) as s`` gives the store and closes it after the block."""
    with SQLiteStore(tmp_path / "s.db") as store:
        assert store.directory_serial("k") is None
    with pytest.raises(Exception, match="closed"):
        store._db.execute("SELECT 1")


def test_memory_store_is_a_context_manager() -> None:
    """A MemoryStore works in a with block too, so code can treat every store alike."""
    with MemoryStore() as store:
        assert store.receipt("x", "y") is None
