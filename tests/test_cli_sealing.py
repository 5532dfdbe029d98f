"""The sealing commands as a new user runs them: keys, a directory, seal, open, and every refusal."""

from __future__ import annotations

import copy
import io
import json
import stat
from pathlib import Path
from typing import Any

import pytest

from _samples import MINIMAL
from concernshare.cli import main
from concernshare.crypto import _jose, keys

HV, MASH, CSC, GP = "ods:RYV01/hv", "la:E06000032/mash", "la:E06000032/csc", "ods:E81001"
ROLES = {HV: "health_visiting", MASH: "mash", CSC: "childrens_social_care", GP: "gp"}


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, stdin=io.BytesIO())
    return code, out.getvalue(), err.getvalue()


def _ok(*argv: str) -> str:
    code, out, err = _run(*argv)
    assert code == 0, err
    return out


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keys for four agencies and an authority, and a signed directory naming the agencies."""
    monkeypatch.setenv("CONCERNSHARE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    _ok("keygen", "--authority", "--out", "keys")
    for agency in ROLES:
        _ok("keygen", "--agency", agency, "--out", "keys")
    _ok("directory", "new", "--authority-key", "keys/authority.private.jwks", "-o", "dir.jws", "--id", "luton")
    for agency, role in ROLES.items():
        slug = agency.replace(":", "_").replace("/", "_")
        _ok(
            "directory",
            "add",
            "dir.jws",
            "--agency",
            agency,
            "--name",
            f"Test {role}",
            "--roles",
            role,
            "--area",
            "E06000032",
            "--keys",
            f"keys/{slug}.public.jwks",
            "--authority-key",
            "keys/authority.private.jwks",
        )
    document: dict[str, Any] = copy.deepcopy(MINIMAL)
    document.update(recipients=[MASH, CSC], status="exercise")
    Path("concern.json").write_text(json.dumps(document), encoding="utf-8")
    return tmp_path


def _key(agency: str) -> str:
    return f"keys/{agency.replace(':', '_').replace('/', '_')}.private.jwks"


DIR = ("--directory", "dir.jws", "--authority", "keys/authority.public.jwks")
ACCEPT = ("--accept-status", "exercise")


def test_private_keys_are_written_0600_and_never_printed(site: Path) -> None:
    """keygen creates the private key file with mode 0600 and prints only key ids."""
    mode = stat.S_IMODE((site / _key(HV)).stat().st_mode)
    assert mode == 0o600
    code, out, _ = _run("keygen", "--agency", "school:123456", "--out", "keys")
    assert code == 0
    private = json.loads((site / "keys/school_123456.private.jwks").read_text())
    for key in private["keys"]:
        assert key["d"] not in out
    assert _run("keygen", "--agency", "school:123456", "--out", "keys")[0] == 2  # never overwritten


def test_directory_show_lists_the_agencies(site: Path) -> None:
    """directory show verifies the directory and prints it."""
    shown = json.loads(_ok("directory", "show", "dir.jws", "--authority", "keys/authority.public.jwks"))
    assert [a["id"] for a in shown["agencies"]] == list(ROLES)
    assert shown["serial"] == 5


def test_each_recipient_opens_and_the_gp_cannot(site: Path) -> None:
    """Sealed from health visiting to the MASH and social care: each opens it, the GP cannot."""
    _ok("seal", "concern.json", "--key", _key(HV), *DIR, "-o", "sealed.json")
    for agency in (MASH, CSC):
        opened = json.loads(_ok("open", "sealed.json", "--key", _key(agency), *DIR, *ACCEPT))
        assert opened["id"] == MINIMAL["id"]
        assert opened["sent"].endswith("Z")
    code, _, err = _run("open", "sealed.json", "--key", _key(GP), *DIR, *ACCEPT)
    assert code == 1
    assert "refused" in err


def test_exercise_messages_need_accepting(site: Path) -> None:
    """A live receiver refuses an exercise message unless told to accept it."""
    _ok("seal", "concern.json", "--key", _key(HV), *DIR, "-o", "sealed.json")
    code, _, err = _run("open", "sealed.json", "--key", _key(MASH), *DIR)
    assert code == 1
    assert "does not accept exercise messages" in err


def test_refusals_exit_one_with_a_clear_message(site: Path) -> None:
    """A flipped byte, a replay, forwarding, impersonation and a tampered directory are each refused."""
    _ok("seal", "concern.json", "--key", _key(HV), *DIR, "-o", "sealed.json")
    _ok("open", "sealed.json", "--key", _key(MASH), *DIR, *ACCEPT)
    code, _, err = _run("open", "sealed.json", "--key", _key(MASH), *DIR, *ACCEPT)
    assert (code, "received before" in err) == (1, True)

    sealed = json.loads(Path("sealed.json").read_text())
    sealed["tag"] = ("A" if sealed["tag"][0] != "A" else "B") + sealed["tag"][1:]
    Path("flipped.json").write_text(json.dumps(sealed))
    code, _, err = _run("open", "flipped.json", "--key", _key(CSC), *DIR, *ACCEPT)
    assert (code, "could not be decrypted or verified" in err) == (1, True)

    mash = keys.loads_private_jwk_set(Path(_key(MASH)).read_bytes())
    signed = _jose.decrypt(
        Path("sealed.json").read_bytes(), keys.decrypters_from(mash), typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY
    )
    gp_public = keys.loads_public_jwk_set(Path("keys/ods_E81001.public.jwks").read_bytes())
    forwarded = _jose.encrypt(
        signed, [k for k in gp_public if k.use == "enc"], typ=_jose.SEALED_TYP, cty=_jose.SEALED_CTY
    )
    Path("forwarded.json").write_bytes(forwarded)
    code, _, err = _run("open", "forwarded.json", "--key", _key(GP), *DIR, *ACCEPT)
    assert (code, "not among the recipients" in err) == (1, True)

    code, _, err = _run("seal", "concern.json", "--key", _key(GP), *DIR)
    assert (code, "not a current signing key of the sending agency" in err) == (1, True)

    directory = json.loads(Path("dir.jws").read_text())
    directory["payload"] = directory["payload"][:-4] + ("AAAA" if directory["payload"][-4:] != "AAAA" else "BBBB")
    Path("tampered.jws").write_text(json.dumps(directory))
    code, _, err = _run("directory", "show", "tampered.jws", "--authority", "keys/authority.public.jwks")
    assert code == 1
    assert "directory" in err


def test_revoked_key_is_refused_after_the_new_edition(site: Path) -> None:
    """Once the sender's key is revoked in the directory, a live open refuses its messages."""
    _ok("seal", "concern.json", "--key", _key(HV), *DIR, "-o", "sealed.json")
    kid = keys.loads_private_jwk_set(Path(_key(HV)).read_bytes())[0].kid
    _ok("directory", "revoke", "dir.jws", f"--kid={kid}", "--authority-key", "keys/authority.private.jwks")
    code, _, err = _run("open", "sealed.json", "--key", _key(MASH), *DIR, *ACCEPT)
    assert (code, "revoked" in err) == (1, True)


def _public(agency: str) -> str:
    return _key(agency).replace(".private.", ".public.")


def _not_after(agency: str) -> list[str | None]:
    shown = json.loads(_ok("directory", "show", "dir.jws", "--authority", "keys/authority.public.jwks"))
    entry = next(a for a in shown["agencies"] if a["id"] == agency)
    return [k.get("not_after") for k in entry["keys"]]


def test_retired_keys_end_live_use_but_earlier_messages_still_open(site: Path) -> None:
    """After a rotation, retire sets not_after on the old keys: what was sealed before still opens; the old
    signing key can no longer seal."""
    _ok("seal", "concern.json", "--key", _key(HV), *DIR, "-o", "before.json")
    out = _ok("directory", "retire", "dir.jws", "--keys", _public(HV), "--authority-key", "keys/authority.private.jwks")
    assert out.count(f"{HV} ") == 2
    assert "valid until" in out
    assert all(end is not None and end.endswith("Z") for end in _not_after(HV))
    assert _not_after(MASH) == [None, None]
    assert json.loads(_ok("open", "before.json", "--key", _key(MASH), *DIR, *ACCEPT))["id"] == MINIMAL["id"]
    code, _, err = _run("seal", "concern.json", "--key", _key(HV), *DIR, "-o", "after.json")
    assert code == 1, err
    assert not Path("after.json").exists()


def test_retire_only_brings_an_end_forward(site: Path) -> None:
    """A key's end of validity, once set, is never put back by a later retire."""
    kid = keys.loads_public_jwk_set(Path(_public(GP)).read_bytes())[0].kid
    authority = ("--authority-key", "keys/authority.private.jwks")
    _ok("directory", "retire", "dir.jws", f"--kid={kid}", "--at", "2099-01-01T00:00:00Z", *authority)
    _ok("directory", "retire", "dir.jws", f"--kid={kid}", "--at", "2100-01-01T00:00:00Z", *authority)
    assert _not_after(GP) == ["2099-01-01T00:00:00Z", None]
    _ok("directory", "retire", "dir.jws", f"--kid={kid}", "--at", "2098-06-30T12:00:00+01:00", *authority)
    assert _not_after(GP) == ["2098-06-30T11:00:00Z", None]


@pytest.mark.parametrize(
    ("extra", "code", "says"),
    [
        (["--kid", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"], 1, "no key with kid"),
        (["--kid={kid}", "--at", "2001-01-01T00:00:00Z"], 2, "before key"),
        (["--kid={kid}", "--at", "next week"], 2, "RFC 3339"),
        (["--kid={kid}", "--at", "2099-01-01T00:00:00"], 2, "offset"),
        (["--kid={kid}", "--keys", "keys/ods_E81001.public.jwks"], 2, "not allowed with"),
        ([], 2, "one of the arguments --kid --keys is required"),
    ],
)
def test_retire_refuses_bad_requests_and_changes_nothing(site: Path, extra: list[str], code: int, says: str) -> None:
    """An unknown key, an end before the key began, a time without an offset, or no key named is refused, and
    the directory is left as it was."""
    kid = keys.loads_public_jwk_set(Path(_public(GP)).read_bytes())[0].kid
    before = Path("dir.jws").read_bytes()
    argv = [part.format(kid=kid) for part in extra]
    result = _run("directory", "retire", "dir.jws", *argv, "--authority-key", "keys/authority.private.jwks")
    assert result[0] == code, result[2]
    assert says in result[2]
    assert "Traceback" not in result[2]
    assert Path("dir.jws").read_bytes() == before


def test_sign_and_verify(site: Path) -> None:
    """A signed-only message verifies and prints; a sealed one handed to verify is refused."""
    _ok("sign", "concern.json", "--key", _key(HV), *DIR, "-o", "signed.json")
    assert json.loads(_ok("verify", "signed.json", *DIR, *ACCEPT))["id"] == MINIMAL["id"]
    _ok("seal", "concern.json", "--key", _key(HV), *DIR, "-o", "sealed.json")
    assert _run("verify", "sealed.json", *DIR, *ACCEPT)[0] == 1


def test_wrong_authority_is_refused(site: Path) -> None:
    """A directory checked against another authority's key is refused."""
    _ok("keygen", "--authority", "--out", "other")
    code, _, err = _run(
        "seal",
        "concern.json",
        "--key",
        _key(HV),
        "--directory",
        "dir.jws",
        "--authority",
        "other/authority.public.jwks",
    )
    assert (code, "pinned authority" in err) == (1, True)


@pytest.mark.parametrize(
    "argv",
    [
        ["keygen", "--agency", "nonsense", "--out", "k"],
        ["seal", "missing.json", "--key", "keys/authority.private.jwks", *DIR],
        ["open", "x", "--key", "missing.jwks", *DIR],
        ["open", "concern.json", "--key", "keys/ods_RYV01_hv.private.jwks", *DIR, "--accept-status", "bogus"],
        [
            "directory",
            "revoke",
            "dir.jws",
            "--kid",
            "x",
            "--compromised-at",
            "yesterday",
            "--authority-key",
            "keys/authority.private.jwks",
        ],
    ],
)
def test_usage_errors(site: Path, argv: list[str]) -> None:
    """Bad arguments and missing files exit 2 with a message, never a traceback."""
    code, _, err = _run(*argv)
    assert code == 2, err
    assert "Traceback" not in err


def test_directory_new_twice_on_one_machine_does_not_collide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two directories started with the default id get different ids, and each keeps working after the other."""
    monkeypatch.setenv("CONCERNSHARE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    for name in ("one", "two"):
        _ok("keygen", "--authority", "--out", name)
        _ok("keygen", "--agency", GP, "--out", f"{name}-keys")
    _ok("directory", "new", "--authority-key", "one/authority.private.jwks", "-o", "one.jws")
    for _ in range(2):
        _ok(
            "directory",
            "add",
            "one.jws",
            "--agency",
            GP,
            "--name",
            "Test gp",
            "--roles",
            "gp",
            "--keys",
            "one-keys/ods_E81001.public.jwks",
            "--authority-key",
            "one/authority.private.jwks",
        )
    _ok("directory", "show", "one.jws", "--authority", "one/authority.public.jwks")
    _ok("directory", "new", "--authority-key", "two/authority.private.jwks", "-o", "two.jws")
    shown = json.loads(_ok("directory", "show", "two.jws", "--authority", "two/authority.public.jwks"))
    assert shown["serial"] == 1
    _ok(
        "directory",
        "add",
        "two.jws",
        "--agency",
        GP,
        "--name",
        "Test gp",
        "--roles",
        "gp",
        "--keys",
        "two-keys/ods_E81001.public.jwks",
        "--authority-key",
        "two/authority.private.jwks",
    )
    first = json.loads(_ok("directory", "show", "one.jws", "--authority", "one/authority.public.jwks"))
    assert first["directory_id"] != shown["directory_id"]
    assert first["directory_id"].startswith("cs-")


def test_directory_new_refuses_a_bad_id(site: Path) -> None:
    """An id outside the directory id pattern is a usage error, before anything is written."""
    code, _out, err = _run(
        "directory", "new", "--authority-key", "keys/authority.private.jwks", "-o", "x.jws", "--id", "Not An Id"
    )
    assert code == 2
    assert "--id takes" in err
    assert not (site / "x.jws").exists()
