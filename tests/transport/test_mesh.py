"""Tests for delivery over MESH, end to end against NHS England's mesh-sandbox on loopback."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
import requests
from mesh_world import CSC, GP, HV, MAILBOXES, MASH, POLICY, WORKFLOW, directory, private, sandbox_unavailable, settings
from mesh_world import signed_directory as sign_test_directory

from concernshare import codec
from concernshare.crypto import keys
from concernshare.crypto._jose import MAX_INPUT_BYTES
from concernshare.errors import UsageError
from concernshare.records import Message
from concernshare.routing.rules import load_rules
from concernshare.sealing import seal
from concernshare.stores import MemoryStore, SQLiteStore
from concernshare.tracker import DeliveryState, Tracker
from concernshare.transport import mesh
from concernshare.transport.mesh_sandbox import Sandbox, SandboxUnavailable, running_sandbox

EXAMPLES = Path(__file__).parent.parent.parent / "examples"
RECEIVER = Path(__file__).parent / "mesh_receiver.py"
SENDER = Path(__file__).parent / "mesh_sender.py"
RECIPIENTS = (CSC, MASH, GP)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A new MESH sandbox on a free loopback port, with an empty mailbox per agency of the story."""
    try:
        with running_sandbox(MAILBOXES.values()) as running:
            yield running
    except SandboxUnavailable as error:
        sandbox_unavailable(str(error))


@pytest.fixture
def signed(tmp_path: Path) -> Path:
    """The signed test directory, as a file."""
    path = tmp_path / "directory.jws"
    path.write_bytes(sign_test_directory(dt.datetime.now(dt.UTC)))
    return path


def _concern() -> Message:
    """The health visitor's concern, with a fresh id (the sandbox outlives one test)."""
    message = codec.loads((EXAMPLES / "messages" / "01-concern-health-visitor-neglect.json").read_bytes())
    return codec.loads(codec.dumps(message).replace(str(message.id).encode(), str(uuid.uuid4()).encode()))


def _send(sandbox: Sandbox, signed: Path, tracker: Tracker, message: Message, chunk: int = 75 * 2**20) -> mesh.MeshSent:
    now = dt.datetime.now(dt.UTC)
    rules = load_rules((EXAMPLES / "routing" / "mash-front-door.json").read_bytes())
    with mesh.connect(settings(sandbox, HV, chunk)) as client:
        return mesh.send(
            message,
            keys.signer_from(private(HV)),
            client=client,
            rules=rules,
            directory=directory(signed.read_bytes(), now),
            tracker=tracker,
            at=now,
        )


def _inbox(sandbox: Sandbox, agency: str) -> list[str]:
    with mesh.connect(settings(sandbox, agency)) as client:
        return client.list_messages()


def _receiver(sandbox: Sandbox, signed: Path, agency: str, tracker: Path, **stop: object) -> subprocess.Popen[str]:
    return _child(
        RECEIVER,
        {
            "url": sandbox.url,
            "shared_key": sandbox.shared_key.decode(),
            "agency": agency,
            "tracker": str(tracker),
            "directory": str(signed),
            **stop,
        },
    )


def _sender(sandbox: Sandbox, signed: Path, message: Path, tracker: Path, **stop: object) -> subprocess.Popen[str]:
    return _child(
        SENDER,
        {
            "url": sandbox.url,
            "shared_key": sandbox.shared_key.decode(),
            "message": str(message),
            "tracker": str(tracker),
            "directory": str(signed),
            **stop,
        },
    )


def _child(script: Path, job: dict[str, object]) -> subprocess.Popen[str]:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(script.parent), *sys.path])}
    return subprocess.Popen(
        [sys.executable, str(script), json.dumps(job)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_at(process: subprocess.Popen[str], marker: Path) -> None:
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the receiver never reached the point to be killed at"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.communicate()


def _finish(process: subprocess.Popen[str]) -> list[str]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    outcomes: list[str] = json.loads(out)
    return outcomes


def test_send_uploads_one_view_to_each_of_three_mailboxes_and_records_after(sandbox: Sandbox, signed: Path) -> None:
    """One concern reaches the three recipients' MESH inboxes; each delivery is recorded once."""
    tracker = Tracker(MemoryStore())
    message = _concern()
    result = _send(sandbox, signed, tracker, message)
    assert set(result.uploads) == set(RECIPIENTS)
    assert {d.recipient for d, _ in tracker.store.deliveries(str(message.id))} == set(RECIPIENTS)
    for agency in RECIPIENTS:
        assert len(_inbox(sandbox, agency)) == 1


def test_sending_again_uploads_nothing_twice(sandbox: Sandbox, signed: Path) -> None:
    """A resend after a crash (deliveries recorded, or only uploaded) duplicates nothing in MESH."""
    message = _concern()
    _send(sandbox, signed, Tracker(MemoryStore()), message)
    # The crash came after the uploads and before the tracker recorded them: MESH's outbox knows.
    again = _send(sandbox, signed, Tracker(MemoryStore()), message)
    assert again.uploads == {}
    assert set(again.skipped) == set(RECIPIENTS)
    for agency in RECIPIENTS:
        assert len(_inbox(sandbox, agency)) == 1


def test_a_recipient_without_a_mailbox_is_refused_before_any_upload(sandbox: Sandbox, signed: Path) -> None:
    """A recipient the directory gives no MESH address stops the send before anything is uploaded."""
    message = _concern()
    now = dt.datetime.now(dt.UTC)
    opened = directory(signed.read_bytes(), now)
    without_gp = attrs.evolve(
        opened, agencies=tuple(attrs.evolve(a, mesh=None) if a.id == GP else a for a in opened.agencies)
    )
    rules = load_rules((EXAMPLES / "routing" / "mash-front-door.json").read_bytes())
    with mesh.connect(settings(sandbox, HV)) as client, pytest.raises(UsageError, match="no MESH mailbox"):
        mesh.send(
            message,
            keys.signer_from(private(HV)),
            client=client,
            rules=rules,
            directory=without_gp,
            tracker=Tracker(MemoryStore()),
            at=now,
        )
    for agency in RECIPIENTS:
        assert _inbox(sandbox, agency) == []


@pytest.mark.parametrize(
    ("stop_at", "stop_after"),
    [
        ("read", 1),  # read from MESH, not yet opened
        ("recorded", 1),  # opened and recorded by receive(), not yet acknowledged
        ("recorded", 2),  # the first acknowledged, the second recorded and not
        ("acknowledged", 1),  # the first acknowledged, the rest not yet read
    ],
)
def test_a_receiver_killed_mid_poll_loses_and_duplicates_nothing(
    sandbox: Sandbox,
    signed: Path,
    tmp_path: Path,
    stop_at: str,
    stop_after: int,
) -> None:
    """Killed with SIGKILL at an exact point of a poll, then run again: each message recorded once, the inbox empty."""
    messages = [_concern(), _concern()]
    for message in messages:
        _send(sandbox, signed, Tracker(MemoryStore()), message)
    store = tmp_path / "mash.sqlite"
    marker = tmp_path / "stopped"
    _kill_at(
        _receiver(sandbox, signed, MASH, store, stop_at=stop_at, stop_after=stop_after, marker=str(marker)), marker
    )
    outcomes = _finish(_receiver(sandbox, signed, MASH, store))
    assert set(outcomes) <= {"accepted", "replayed"}
    assert _inbox(sandbox, MASH) == []
    recorded = SQLiteStore(store)
    try:
        for message in messages:
            arrivals = recorded.arrivals(str(message.id))
            assert [(a.recipient, a.accepted) for a in arrivals] == [(MASH, True)]
    finally:
        recorded.close()


@pytest.mark.parametrize(
    ("stop_at", "stop_after"),
    [
        ("uploaded", 1),  # the first view uploaded, not yet recorded
        ("uploaded", 2),  # the first recorded, the second uploaded and not recorded
        ("recorded", 2),  # two recorded, the third not yet uploaded
    ],
)
def test_a_sender_killed_mid_send_then_run_again_uploads_each_view_once(
    sandbox: Sandbox,
    signed: Path,
    tmp_path: Path,
    stop_at: str,
    stop_after: int,
) -> None:
    """Killed by SIGKILL at an exact point of a send, then run again: one copy per inbox, every delivery recorded."""
    message = _concern()
    path = tmp_path / "concern.json"
    path.write_bytes(codec.dumps(message))
    store, marker = tmp_path / "hv.sqlite", tmp_path / "stopped"
    _kill_at(_sender(sandbox, signed, path, store, stop_at=stop_at, stop_after=stop_after, marker=str(marker)), marker)
    out, err = (process := _sender(sandbox, signed, path, store)).communicate(timeout=120)
    assert process.returncode == 0, err
    again = json.loads(out)
    assert len(again["uploaded"]) == (3 - stop_after if stop_at == "uploaded" else 1)
    assert len(again["skipped"]) == 3 - len(again["uploaded"])
    for agency in RECIPIENTS:
        assert len(_inbox(sandbox, agency)) == 1
    recorded = SQLiteStore(store)
    try:
        assert sorted(d.recipient for d, _ in recorded.deliveries(str(message.id))) == sorted(RECIPIENTS)
    finally:
        recorded.close()


def test_a_message_larger_than_the_chunk_size_travels_in_chunks(sandbox: Sandbox, signed: Path) -> None:
    """With a 1 KiB chunk size the sealed view goes up and comes down in several chunks, and opens."""
    message = _concern()
    _send(sandbox, signed, Tracker(MemoryStore()), message, chunk=1024)
    with mesh.connect(settings(sandbox, GP)) as client:
        (mesh_id,) = client.list_messages()
        incoming = client.retrieve_message(mesh_id)
        incoming.close()  # not a with block, which would acknowledge it
        assert int(dict(incoming.mex_headers())["total-chunks"]) > 1
        polled = _poll(sandbox, GP, Tracker(MemoryStore()))
    assert [(p.outcome, p.message_id) for p in polled] == [(mesh.Outcome.ACCEPTED, str(message.id))]


def _poll(sandbox: Sandbox, agency: str, tracker: Tracker, signed: bytes | None = None) -> tuple[mesh.Polled, ...]:
    now = dt.datetime.now(dt.UTC)
    secret = private(agency)
    signed = signed if signed is not None else sign_test_directory(now)
    with mesh.connect(settings(sandbox, agency)) as client:
        return mesh.poll(
            client,
            keys.decrypters_from(secret),
            keys.signer_from(secret),
            me=agency,
            directory=directory(signed, now),
            store=tracker.store,
            tracker=tracker,
            clock=lambda: dt.datetime.now(dt.UTC),
            policy=POLICY,
        )


def test_a_non_delivery_report_marks_the_delivery_failed(sandbox: Sandbox, signed: Path) -> None:
    """MESH's report that a view was not collected marks that one delivery failed, with MESH's code."""
    tracker = Tracker(MemoryStore())
    message = _concern()
    sent = _send(sandbox, signed, tracker, message)
    report = {
        "mailbox_id": MAILBOXES[HV],
        "code": "14",
        "description": "not collected",
        "workflow_id": WORKFLOW,
        "local_id": mesh.local_id(message.id, GP),
        "linked_message_id": sent.uploads[GP],
    }
    answer = requests.post(f"{sandbox.url}/messageexchange/admin/report", json=report, timeout=10)
    assert answer.status_code == 200
    polled = _poll(sandbox, HV, tracker)
    assert [(p.outcome, p.message_id, p.sender) for p in polled] == [(mesh.Outcome.NON_DELIVERY, str(message.id), GP)]
    states = {s.delivery.recipient: s for s in tracker.status(message.id, at=dt.datetime.now(dt.UTC)).deliveries}
    assert states[GP].state is DeliveryState.FAILED
    assert states[GP].answer is not None
    assert states[GP].answer.problems == ("mesh:14",)
    assert states[MASH].state is not DeliveryState.FAILED
    assert _inbox(sandbox, HV) == []


def test_a_report_about_no_known_delivery_is_acknowledged_and_named(sandbox: Sandbox) -> None:
    """A report whose local id names nothing this tracker sent is reported as such and leaves the inbox."""
    report = {
        "mailbox_id": MAILBOXES[HV],
        "code": "14",
        "description": "not collected",
        "workflow_id": WORKFLOW,
        "local_id": "not-ours",
    }
    assert requests.post(f"{sandbox.url}/messageexchange/admin/report", json=report, timeout=10).status_code == 200
    polled = _poll(sandbox, HV, Tracker(MemoryStore()))
    assert [(p.outcome, p.detail) for p in polled] == [(mesh.Outcome.UNKNOWN_REPORT, "mesh:14")]
    assert _inbox(sandbox, HV) == []


def test_garbage_and_a_view_for_another_agency_are_refused_acknowledged_and_not_recorded(
    sandbox: Sandbox,
    signed: Path,
) -> None:
    """Bytes that are no sealed message, and a view sealed to another agency, are refused without a reply."""
    tracker = Tracker(MemoryStore())
    with mesh.connect(settings(sandbox, CSC)) as client:
        client.send_message(MAILBOXES[MASH], b"not a sealed message", workflow_id=WORKFLOW)
    message = _concern()
    sent = _send(sandbox, signed, Tracker(MemoryStore()), message)
    gp_view = next(v.sealed for v in sent.sent.views if GP in v.recipients and MASH not in v.recipients)
    with mesh.connect(settings(sandbox, CSC)) as client:
        client.send_message(MAILBOXES[MASH], gp_view, workflow_id=WORKFLOW)
    polled = _poll(sandbox, MASH, tracker)
    outcomes = sorted((p.outcome, p.detail) for p in polled)
    assert [o for o, _ in outcomes].count(mesh.Outcome.REFUSED) == 2
    assert [o for o, _ in outcomes].count(mesh.Outcome.ACCEPTED) == 1
    assert _inbox(sandbox, MASH) == []
    assert _inbox(sandbox, HV) == []  # no reply to a refusal
    assert [a.recipient for a in tracker.store.arrivals(str(message.id))] == [MASH]


def test_settings_come_from_a_file_and_the_environment(tmp_path: Path) -> None:
    """The [mesh] table of a file, each value overridden by CONCERNSHARE_MESH_*; secrets stay out of the repr."""
    path = tmp_path / "mesh.toml"
    path.write_text(
        '[mesh]\nurl = "https://mesh.example"\nmailbox = "x26abc1"\npassword = "from-file"\nchunk_size = 2048\n',
        encoding="utf-8",
    )
    loaded = mesh.load_settings(path, {"CONCERNSHARE_MESH_PASSWORD": "from-env", "CONCERNSHARE_MESH_SHARED_KEY": "k"})
    assert (loaded.url, loaded.mailbox, loaded.password, loaded.shared_key, loaded.chunk_size) == (
        "https://mesh.example",
        "X26ABC1",
        "from-env",
        b"k",
        2048,
    )
    assert "from-env" not in repr(loaded)
    assert "k'" not in repr(loaded)


@pytest.mark.parametrize(
    ("text", "environ", "match"),
    [
        ('[mesh]\nurl = "u"\nmailbox = "m"\n', {}, "'password' is missing"),
        ('[mesh]\nurl = "u"\nmailbox = "m"\npassword = "p"\nsecret = 1\n', {}, "unknown MESH setting 'secret'"),
        ("[mesh\n", {}, "cannot read the MESH settings"),
        ('[mesh]\nurl = "u"\nmailbox = "m"\npassword = "p"\n', {"CONCERNSHARE_MESH_CHUNK_SIZE": "big"}, "whole number"),
    ],
)
def test_bad_settings_are_refused_clearly(tmp_path: Path, text: str, environ: dict[str, str], match: str) -> None:
    """A missing value, an unknown name, an unreadable file and a bad chunk size each say what to do."""
    path = tmp_path / "mesh.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=match):
        mesh.load_settings(path, environ)


def test_a_message_larger_than_any_sealed_message_is_refused_unread_and_acknowledged(sandbox: Sandbox) -> None:
    """Bytes past the sealed-message limit are not read into memory; the message is refused and leaves the inbox."""
    with mesh.connect(settings(sandbox, CSC, chunk_size=4 * 2**20)) as client:
        client.send_message(MAILBOXES[MASH], b" " * (MAX_INPUT_BYTES + 1), workflow_id=WORKFLOW)
    tracker = Tracker(MemoryStore())
    polled = _poll(sandbox, MASH, tracker)
    assert [(p.outcome, p.detail) for p in polled] == [(mesh.Outcome.REFUSED, "TooLarge")]
    assert _inbox(sandbox, MASH) == []


def test_refused_content_from_a_verified_sender_is_answered_over_mesh(sandbox: Sandbox, signed: Path) -> None:
    """A message breaking a history rule is recorded as rejected; its sealed rejection reaches the sender's mailbox."""
    concern = _concern()
    _send(sandbox, signed, Tracker(MemoryStore()), concern)
    mash = Tracker(MemoryStore())
    assert [p.outcome for p in _poll(sandbox, MASH, mash)] == [mesh.Outcome.ACCEPTED]
    # The GP may not supersede the health visitor's concern (CS201).
    response = codec.loads((EXAMPLES / "messages" / "05-information-response-gp.json").read_bytes())
    now = dt.datetime.now(dt.UTC)
    usurper = attrs.evolve(
        response,
        id=uuid.uuid4(),
        sent=None,
        recipients=(MASH,),
        thread=attrs.evolve(response.thread, supersedes=concern.id),
    )
    sealed = seal(usurper, keys.signer_from(private(GP)), directory=directory(signed.read_bytes(), now), now=now)
    with mesh.connect(settings(sandbox, GP)) as client:
        client.send_message(MAILBOXES[MASH], sealed, workflow_id=WORKFLOW)
    polled = _poll(sandbox, MASH, mash)
    assert [(p.outcome, p.sender, p.detail) for p in polled] == [(mesh.Outcome.REJECTED, GP, "CS201")]
    assert [a.accepted for a in mash.store.arrivals(str(usurper.id))] == [False]
    assert _inbox(sandbox, MASH) == []
    gp = Tracker(MemoryStore())
    answered = [p for p in _poll(sandbox, GP, gp) if p.sender == MASH]  # the GP's inbox also holds the concern
    assert [p.outcome for p in answered] == [mesh.Outcome.ACCEPTED]
    rejection = answered[0].message
    assert rejection is not None
    assert rejection.body.outcome == "rejected"
    assert rejection.body.message_id == usurper.id


def test_wrong_credentials_stop_send_and_poll_clearly(sandbox: Sandbox, signed: Path) -> None:
    """A wrong mailbox password is a TransportError on send (nothing recorded) and on poll (nothing read)."""
    wrong = attrs.evolve(settings(sandbox, HV), password="not-the-password")  # noqa: S106
    tracker = Tracker(MemoryStore())
    message = _concern()
    now = dt.datetime.now(dt.UTC)
    rules = load_rules((EXAMPLES / "routing" / "mash-front-door.json").read_bytes())
    with mesh.connect(wrong) as client:
        with pytest.raises(mesh.TransportError, match="credentials"):
            mesh.send(
                message,
                keys.signer_from(private(HV)),
                client=client,
                rules=rules,
                directory=directory(signed.read_bytes(), now),
                tracker=tracker,
                at=now,
            )
        with pytest.raises(mesh.TransportError, match="cannot list the MESH inbox"):
            mesh.poll(
                client,
                keys.decrypters_from(private(HV)),
                keys.signer_from(private(HV)),
                me=HV,
                directory=directory(signed.read_bytes(), now),
                store=tracker.store,
                tracker=tracker,
                clock=lambda: dt.datetime.now(dt.UTC),
                policy=POLICY,
            )
    assert tracker.store.deliveries(str(message.id)) == ()
