"""Tests for ``concernshare mesh send`` and ``mesh poll`` and the failed state in ``track status``."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from mesh_world import EXAMPLES, GP, HV, KEYS, MAILBOXES, MASH, WORKFLOW, sandbox_unavailable, signed_directory

from concernshare.cli import main
from concernshare.transport import mesh
from concernshare.transport.mesh_sandbox import SANDBOX_PASSWORD, Sandbox, SandboxUnavailable, running_sandbox

CONCERN = EXAMPLES / "messages" / "01-concern-health-visitor-neglect.json"
CONCERN_ID = json.loads(CONCERN.read_text(encoding="utf-8"))["id"]


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A new MESH sandbox on loopback with a mailbox per agency of the story."""
    try:
        with running_sandbox(MAILBOXES.values()) as running:
            yield running
    except SandboxUnavailable as error:
        sandbox_unavailable(str(error))


def _key(agency: str) -> str:
    return str(KEYS / f"{agency.replace(':', '_').replace('/', '_')}.private.jwks")


def _run(argv: list[str], sandbox: Sandbox, agency: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.setenv("CONCERNSHARE_MESH_URL", sandbox.url)
    monkeypatch.setenv("CONCERNSHARE_MESH_MAILBOX", MAILBOXES[agency])
    monkeypatch.setenv("CONCERNSHARE_MESH_PASSWORD", SANDBOX_PASSWORD)
    monkeypatch.setenv("CONCERNSHARE_MESH_SHARED_KEY", sandbox.shared_key.decode())
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_send_poll_and_a_failed_delivery_from_the_command_line(
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """mesh send uploads to three mailboxes, mesh poll records one, a non-delivery shows as failed in track status."""
    monkeypatch.setenv("CONCERNSHARE_STATE_DIR", str(tmp_path / "state"))
    directory = tmp_path / "directory.jws"
    directory.write_bytes(signed_directory(dt.datetime.now(dt.UTC)))
    trust = ["--directory", str(directory), "--authority", str(KEYS / "authority.public.jwks")]
    sender_db, mash_db = str(tmp_path / "hv.sqlite"), str(tmp_path / "mash.sqlite")
    send = [
        "mesh",
        "send",
        str(CONCERN),
        "--key",
        _key(HV),
        "--rules",
        str(EXAMPLES / "routing" / "mash-front-door.json"),
        *trust,
        "--tracker",
        sender_db,
    ]
    code, _out, err = _run(send, sandbox, HV, monkeypatch)
    assert code == 0, err
    assert err.count("uploaded for") == 3
    code, _out, err = _run(send, sandbox, HV, monkeypatch)
    assert (code, err.count("already uploaded")) == (0, 3)

    code, out, err = _run(
        ["mesh", "poll", "--key", _key(MASH), *trust, "--tracker", mash_db, "--accept-status", "exercise"],
        sandbox,
        MASH,
        monkeypatch,
    )
    assert code == 0, err
    assert [json.loads(line)["outcome"] for line in out.splitlines()] == ["accepted"]

    report = {
        "mailbox_id": MAILBOXES[HV],
        "code": "14",
        "description": "not collected",
        "workflow_id": WORKFLOW,
        "local_id": mesh.local_id(CONCERN_ID, GP),
    }
    assert requests.post(f"{sandbox.url}/messageexchange/admin/report", json=report, timeout=10).status_code == 200
    code, out, err = _run(["mesh", "poll", "--key", _key(HV), *trust, "--tracker", sender_db], sandbox, HV, monkeypatch)
    assert code == 0, err
    assert [json.loads(line)["outcome"] for line in out.splitlines()] == ["non_delivery"]
    code, out, err = _run(["track", "status", CONCERN_ID, "--tracker", sender_db], sandbox, HV, monkeypatch)
    assert code == 0, err
    states = {d["delivery"]["recipient"]: d["state"] for d in json.loads(out)["deliveries"]}
    assert states[GP] == "failed"
    assert states[MASH] != "failed"


def test_missing_settings_are_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a mailbox password configured, mesh poll says which setting is missing and exits 2."""
    for name in ("URL", "MAILBOX", "PASSWORD", "SHARED_KEY"):
        monkeypatch.delenv(f"CONCERNSHARE_MESH_{name}", raising=False)
    monkeypatch.setenv("CONCERNSHARE_MESH_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("CONCERNSHARE_MESH_MAILBOX", "MASH01")
    directory = tmp_path / "directory.jws"
    directory.write_bytes(signed_directory(dt.datetime.now(dt.UTC)))
    out, err = io.StringIO(), io.StringIO()
    code = main(
        [
            "mesh",
            "poll",
            "--key",
            _key(MASH),
            "--directory",
            str(directory),
            "--authority",
            str(KEYS / "authority.public.jwks"),
            "--tracker",
            str(tmp_path / "t.sqlite"),
        ],
        stdout=out,
        stderr=err,
    )
    assert code == 2
    assert "'password' is missing" in err.getvalue()


def test_directory_add_names_an_agencys_mesh_mailbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """directory add --mesh-mailbox and --mesh-workflow put the MESH address in the directory; a bad one is refused."""
    monkeypatch.setenv("CONCERNSHARE_STATE_DIR", str(tmp_path / "state"))
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    authority, agency, directory = tmp_path / "authority", tmp_path / "keys", str(tmp_path / "directory.jws")
    assert main(["keygen", "--authority", "--out", str(authority)], **quiet) == 0
    assert main(["keygen", "--agency", MASH, "--out", str(agency)], **quiet) == 0
    key = str(authority / "authority.private.jwks")
    assert main(["directory", "new", "--authority-key", key, "-o", directory], **quiet) == 0
    add = [
        "directory",
        "add",
        directory,
        "--agency",
        MASH,
        "--name",
        "Luton MASH",
        "--roles",
        "mash",
        "--area",
        "E06000032",
        "--keys",
        str(agency / "la_E06000032_mash.public.jwks"),
        "--authority-key",
        key,
    ]
    err = io.StringIO()
    assert main([*add, "--mesh-mailbox", "mash 01", "--mesh-workflow", "CS"], stdout=io.StringIO(), stderr=err) == 2
    assert "--mesh-mailbox takes a MESH mailbox id" in err.getvalue()
    assert main([*add, "--mesh-mailbox", "X26MASH01", "--mesh-workflow", "CONCERNSHARE_1"], **quiet) == 0
    out = io.StringIO()
    assert (
        main(
            ["directory", "show", directory, "--authority", str(authority / "authority.public.jwks")],
            stdout=out,
            stderr=io.StringIO(),
        )
        == 0
    )
    assert '"mailbox": "X26MASH01"' in out.getvalue()
    assert '"workflow": "CONCERNSHARE_1"' in out.getvalue()
