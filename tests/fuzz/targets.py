"""The fuzz targets: each takes arbitrary bytes and may fail only with the library's typed errors.

A target returns normally or raises :class:`~concernshare.errors.ConcernshareError` (caught by
:func:`run_one`); anything else (``TypeError``, ``KeyError``, ``RecursionError``...) is a crash.
The crypto targets use the conformance suite's published test keys and directory, so that the
hostile content is wrapped in a valid signature and encryption and reaches the content layers.
``seeds(target)`` gives each target's starting corpus, from examples/ and conformance/.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

from concernshare import validation
from concernshare.chronology import build_chronologies
from concernshare.chronology.export import to_csv_many, to_json_many
from concernshare.chronology.report import to_html_many
from concernshare.cli import main
from concernshare.crypto import _jose, keys
from concernshare.directory import Directory, open_directory
from concernshare.errors import ConcernshareError
from concernshare.exchange import Received, receive
from concernshare.records import AgencyId, Message, Status
from concernshare.routing.rules import load_rules
from concernshare.sealing import OpenPolicy, open_sealed
from concernshare.stores import MemoryStore
from concernshare.tracker import Tracker

ROOT: Final = Path(__file__).resolve().parent.parent.parent
SUITE: Final = ROOT / "conformance"
EXAMPLES: Final = ROOT / "examples"

#: The reader's clock: the conformance directory is current, and the example messages are in the past.
NOW: Final = dt.datetime(2026, 11, 25, 10, 1, tzinfo=dt.UTC)
NOW_TEXT: Final = "2026-11-25T10:01:00Z"
MASH: Final = "la:E06000032/mash"
HV: Final = "ods:Y99HV/health-visiting"
POLICY: Final = OpenPolicy(accept_status=frozenset(Status))


class _World:
    """The conformance suite's directory and keys, read once."""

    def __init__(self) -> None:
        case = json.loads((SUITE / "directories" / "accept-conformance.json").read_bytes())
        self.signed_directory: bytes = case["signed"].encode()
        self.authority = keys.read_private_jwk_set(SUITE / "keys" / "authority.private.jwks")
        self.pinned = [key.public for key in self.authority]
        self.directory: Directory = open_directory(self.signed_directory, self.pinned, now=NOW)

    @functools.cache  # noqa: B019  (one world per process)
    def private(self, agency: str) -> tuple[keys.PrivateJwk, ...] | None:
        path = SUITE / "keys" / (agency.replace(":", "_").replace("/", "_") + ".private.jwks")
        return keys.read_private_jwk_set(path) if path.is_file() else None


@functools.cache
def world() -> _World:
    return _World()


def validate_bytes(data: bytes) -> None:
    """Strict JSON, the schema and the semantic checks, as a reader runs them (and as a 1.x reader, strict)."""
    for problem in validation.iter_problems(data, now=NOW):
        str(problem)
    validation.validate(data, now=NOW)


def open_raw(data: bytes) -> None:
    """Arbitrary bytes as a sealed message, opened live by the MASH."""
    mash = world().private(MASH)
    assert mash is not None
    open_sealed(
        data,
        keys.decrypters_from(mash),
        me=MASH,
        directory=world().directory,
        store=MemoryStore(),
        now=NOW,
        policy=POLICY,
    )


def _members(data: bytes) -> tuple[str, str]:
    """Who signs the hostile payload and who opens it: read from it where possible, so checks after the sender's
    and the recipient's are reached; otherwise the health visitors send to the MASH."""
    sender = re.search(rb'"agency"\s*:\s*"([^"\\]{1,80})"', data)
    recipients = re.search(rb'"recipients"\s*:\s*\[\s*"([^"\\]{1,80})"', data)
    signer = sender.group(1).decode("utf-8", "replace") if sender else HV
    me = recipients.group(1).decode("utf-8", "replace") if recipients else MASH
    return (signer if world().private(signer) else HV), (me if world().private(me) else MASH)


def receive_signed(data: bytes) -> Received:
    """Arbitrary bytes as the payload of a validly signed and sealed message, through ``receive``."""
    signer_id, me = _members(data)
    signer_keys, my_keys = world().private(signer_id), world().private(me)
    assert signer_keys is not None
    assert my_keys is not None
    jws = _jose.sign(data, keys.signer_from(signer_keys), typ=_jose.MESSAGE_TYP, cty=_jose.MESSAGE_CTY)
    sealed = _jose.encrypt(jws, world().directory.encryption_keys(me, NOW), typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY)
    store = MemoryStore()
    return receive(
        sealed,
        keys.decrypters_from(my_keys),
        keys.signer_from(my_keys),
        me=AgencyId(me),
        directory=world().directory,
        store=store,
        tracker=Tracker(MemoryStore()),
        at=NOW,
        policy=POLICY,
    )


def rules(data: bytes) -> None:
    """Arbitrary bytes as a routing rule set."""
    load_rules(data)


def directory(data: bytes) -> None:
    """Arbitrary bytes as a directory payload, signed by the pinned authority."""
    signed = _jose.sign(data, keys.signer_from(world().authority), typ=_jose.DIRECTORY_TYP, cty=_jose.DIRECTORY_CTY)
    open_directory(signed, world().pinned, now=NOW, store=MemoryStore())


def chronology(data: bytes) -> None:
    """Arbitrary JSON Lines: every line that is a valid message goes into the chronologies, which are exported."""
    messages: list[Message] = []
    for line in data.split(b"\n"):
        try:
            messages.append(validation.validate(line, now=NOW))
        except ConcernshareError:
            continue
    built = build_chronologies(messages, generated=NOW)
    if not built:  # the exports refuse an empty list (a caller's mistake, not input); the CLI says so itself
        return
    to_json_many(built)
    to_csv_many(built)
    to_html_many(built)


def validate_jsonl(data: bytes) -> None:
    """Arbitrary bytes on the standard input of ``concernshare validate --jsonl``, in both output formats."""
    for argv in (["validate", "--jsonl", "-"], ["validate", "--jsonl", "--strict", "--format", "json", "-"]):
        out, err = io.StringIO(), io.StringIO()
        code = main(argv, stdout=out, stderr=err, stdin=io.BytesIO(data))
        if code not in (0, 1):
            raise AssertionError(f"validate --jsonl exited {code}: {err.getvalue()[:500]}")
        if "Traceback" in err.getvalue():
            raise AssertionError("validate --jsonl printed a traceback")


TARGETS: Final[dict[str, Callable[[bytes], object]]] = {
    "validate": validate_bytes,
    "open_sealed": open_raw,
    "receive": receive_signed,
    "rules": rules,
    "directory": directory,
    "chronology": chronology,
    "validate_jsonl": validate_jsonl,
}


def run_one(target: Callable[[bytes], object], data: bytes) -> None:
    """Run one input; the library's typed errors are the expected way to refuse it."""
    with contextlib.suppress(ConcernshareError):
        target(data)


def _messages() -> Iterator[bytes]:
    for path in sorted((EXAMPLES / "messages").glob("*.json")):
        yield path.read_bytes()
    for path in sorted((EXAMPLES / "invalid").glob("*.json")):
        if not path.name.endswith(".expected.json"):
            yield path.read_bytes()
    for folder in ("valid", "invalid"):
        for path in sorted((SUITE / "messages" / folder).glob("*.json")):
            case = json.loads(path.read_bytes())
            if "document_base64" in case:
                yield base64.b64decode(case["document_base64"])
            else:
                yield json.dumps(case["document"]).encode()


def _fresh(document: bytes) -> bytes:
    """A message sent at the reader's clock, so that it is fresh when received."""
    try:
        value = json.loads(document)
    except ValueError:
        return document
    if isinstance(value, dict):
        value["sent"] = NOW_TEXT
    return json.dumps(value).encode()


def _jws_payload(signed: bytes) -> bytes:
    encoded = json.loads(signed)["payload"]
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))


def seeds(target: str) -> list[bytes]:
    """The starting corpus of ``target``."""
    if target in ("validate", "chronology", "validate_jsonl"):
        found = list(_messages())
        if target != "validate":
            lines = [
                json.dumps(json.loads(m), ensure_ascii=False).encode()
                for m in (p.read_bytes() for p in sorted((EXAMPLES / "messages").glob("*.json")))
            ]
            found = [b"\n".join(lines), *(line + b"\n" + line for line in lines[:3]), *found[:40]]
        return found
    if target == "receive":
        return [_fresh(message) for message in _messages()]
    if target == "open_sealed":
        return [json.loads(p.read_bytes())["sealed"].encode() for p in sorted((SUITE / "sealed").glob("*.json"))]
    if target == "rules":
        found = [(EXAMPLES / "routing" / "mash-front-door.json").read_bytes()]
        found += [p.read_bytes() for p in sorted((SUITE / "routing" / "rules").glob("*.json"))]
        found += [
            json.dumps(json.loads(p.read_bytes())["rules"]).encode()
            for p in sorted((SUITE / "routing" / "invalid").glob("*.json"))
        ]
        return found
    if target == "directory":
        found = [_jws_payload((EXAMPLES / "directory" / "directory.jws").read_bytes())]
        for path in sorted((SUITE / "directories").glob("*.json")):
            try:
                found.append(_jws_payload(json.loads(path.read_bytes())["signed"].encode()))
            except (ValueError, KeyError, TypeError):
                continue  # an unsigned or malformed case has no payload to start from
        return found
    raise KeyError(target)
