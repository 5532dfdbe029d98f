"""The front door's configuration, and the front door served by real uvicorn on loopback, over HTTP and HTTPS."""

from __future__ import annotations

import datetime as dt
import io
import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from _cloudevents_world import HV, MASH, PERSONAL, concern, receiver, sealed, world, write_agency
from concernshare.cli import main
from concernshare.errors import UsageError
from concernshare.records import AcknowledgementBody, Status
from concernshare.serve.config import load_config
from concernshare.serve.run import build, running, uvicorn_options
from concernshare.tracker import DeliveryState
from concernshare.transport.cloudevents_http import DeliveryFailed, client, send_over_http


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# The configuration.


def test_the_environment_wins_over_the_file_which_wins_over_defaults(tmp_path: Path) -> None:
    """port from the environment, host from the file, the body limit by default; file paths read from its folder."""
    config = tmp_path / "conf" / "serve.toml"
    config.parent.mkdir()
    config.write_text(
        '[serve]\nkey = "k.jwks"\ndirectory = "d.jws"\nauthority = "a.jwks"\nhost = "0.0.0.0"\n'
        'port = 9000\naccept_status = ["exercise"]\n[serve.tls]\ncertfile = "c.pem"\nkeyfile = "k.pem"\n',
        encoding="utf-8",
    )
    loaded = load_config(
        config,
        {"CONCERNSHARE_SERVE_PORT": "9443", "CONCERNSHARE_SERVE_TRACKER": "postgresql://postgres@127.0.0.1:5432/test"},
    )
    assert (loaded.host, loaded.port) == ("0.0.0.0", 9443)  # noqa: S104  (a value read back, not a bind)
    assert loaded.key == config.parent / "k.jwks"
    assert loaded.tls_certfile == config.parent / "c.pem"
    assert loaded.tracker == "postgresql://postgres@127.0.0.1:5432/test"
    assert loaded.accept_status == {Status.ACTUAL, Status.EXERCISE}
    assert loaded.max_body_bytes == 8 * 1024 * 1024
    options = uvicorn_options(loaded)
    assert (options["ssl_certfile"], options["port"]) == (str(config.parent / "c.pem"), 9443)


def test_the_environment_alone_is_enough(tmp_path: Path) -> None:
    """Without a file, the three required settings from the environment; the tracker defaults to a SQLite file."""
    loaded = load_config(
        None, {"CONCERNSHARE_SERVE_KEY": "k", "CONCERNSHARE_SERVE_DIRECTORY": "d", "CONCERNSHARE_SERVE_AUTHORITY": "a"}
    )
    assert loaded.tracker == "concernshare-tracker.db"
    assert loaded.key == Path("k")


@pytest.mark.parametrize(
    ("text", "environment", "says"),
    [
        ("[serve]\n", {}, "set key, directory, authority"),
        ('[serve]\nkey = "k"\ndirectory = "d"\nauthority = "a"\nprot = 1\n', {}, "do not exist: prot"),
        ('[serve]\nkey = "k"\ndirectory = "d"\nauthority = "a"\nport = 70000\n', {}, "between 1 and 65535"),
        (
            '[serve]\nkey = "k"\ndirectory = "d"\nauthority = "a"\n',
            {"CONCERNSHARE_SERVE_PORT": "eighty"},
            "port must be a whole number",
        ),
        (
            '[serve]\nkey = "k"\ndirectory = "d"\nauthority = "a"\n[serve.tls]\ncertfile = "c"\n',
            {},
            "certfile and keyfile go together",
        ),
        ('[serve]\nkey = "k"\ndirectory = "d"\nauthority = "a"\ninbox_key = "o"\n', {}, "set spool as well"),
        (
            '[serve]\nkey = "k"\ndirectory = "d"\nauthority = "a"\naccept_status = ["everything"]\n',
            {},
            "accept_status takes",
        ),
        ('[serve]\nkey = 7\ndirectory = "d"\nauthority = "a"\n', {}, "key must be a non-empty string"),
        ("[serve\n", {}, "not valid TOML"),
        ('[other]\nkey = "k"\n', {}, r"one \[serve\] table"),
    ],
)
def test_a_wrong_configuration_names_the_setting(
    tmp_path: Path, text: str, environment: dict[str, str], says: str
) -> None:
    """Each mistake is a usage error naming the setting and what to do."""
    config = tmp_path / "serve.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=says):
        load_config(config, environment)


def test_a_missing_configuration_file_is_a_usage_error(tmp_path: Path) -> None:
    """--config naming nothing: a usage error, exit 2, no traceback."""
    err = io.StringIO()
    assert main(["serve", "--config", str(tmp_path / "nothing.toml")], stderr=err) == 2
    assert "cannot read the configuration" in err.getvalue()


def test_a_key_not_in_the_directory_is_refused_at_start(tmp_path: Path) -> None:
    """The front door checks its key against the directory before it listens."""
    made, other = world(_now()), world(_now())
    config = write_agency(made, MASH, tmp_path)
    (tmp_path / "directory.jws").write_bytes(other.signed_directory)
    with pytest.raises(UsageError, match="directory"):
        build(load_config(config, {}))


def test_serve_without_the_extra_says_which_to_install() -> None:
    """Without starlette (the serve extra), concernshare serve names the extra to install; no traceback."""
    code = "import sys; sys.modules['starlette'] = None; from concernshare.cli import main; sys.exit(main(['serve']))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert result.returncode == 2
    assert "pip install 'concernshare[serve]'" in result.stderr
    assert "Traceback" not in result.stderr


# Real uvicorn on loopback.


def test_concernshare_serve_end_to_end_over_real_http(tmp_path: Path) -> None:
    """The command serves on loopback: health visiting posts a concern and records the answer; the inbox lists it."""
    now = _now()
    made = world(now)
    port = _free_port()
    config = write_agency(made, MASH, tmp_path / "mash", port=port, spool="spool", accept_status=["exercise"])
    server = subprocess.Popen(
        [sys.executable, "-m", "concernshare", "serve", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        with client() as http:
            while True:
                try:
                    http.get(f"{url}/inbox")
                    break
                except httpx2.HTTPError:
                    assert server.poll() is None, server.stderr.read() if server.stderr else ""
                    assert time.monotonic() < deadline
                    time.sleep(0.1)
            message = concern(created=(now - dt.timedelta(minutes=5)).isoformat().replace("+00:00", "Z"))
            hv = receiver(made, HV)
            hv.tracker.record_delivery(
                message_id=message.id,
                message_type="concern",
                sender=HV,
                recipient=MASH,
                sent_at=now,
                due=now + dt.timedelta(days=1),
                expects="acknowledgement",
            )
            (posted,) = send_over_http(
                [((MASH,), sealed(made, message, now))],
                message,
                {MASH: f"{url}/events"},
                sender=hv,
                at=now + dt.timedelta(seconds=1),
                http=http,
            )
            assert posted.answer is not None
            assert posted.answer.message is not None
            assert isinstance(posted.answer.message.body, AcknowledgementBody)
            (state,) = hv.tracker.status(message.id, at=now + dt.timedelta(minutes=1)).deliveries
            assert state.state is DeliveryState.ANSWERED
            page = http.get(f"{url}/inbox")
            assert str(message.id) in page.text
            assert not [word for word in PERSONAL if word in page.text]
            with pytest.raises(DeliveryFailed, match="422"):
                send_over_http(
                    [((MASH,), sealed(made, message, now))],
                    message,
                    {MASH: f"{url}/events"},
                    sender=hv,
                    at=now,
                    http=http,
                )
    finally:
        server.send_signal(signal.SIGTERM)
        _out, err = server.communicate(timeout=60)
    # uvicorn shuts down gracefully, then lets SIGTERM end the process as it would have.
    assert server.returncode in (0, -signal.SIGTERM)
    assert b"Finished server process" in err
    assert f"accepted concern {message.id} from {HV}".encode() in err
    assert not [word for word in PERSONAL if word.encode() in err]
    assert b"Traceback" not in err


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "front door test")])
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert, private = folder / "cert.pem", folder / "key.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert, private


def test_the_front_door_serves_https_with_the_configured_certificate(tmp_path: Path) -> None:
    """TLS from [serve.tls]: the client verifies the door's certificate; a client that does not trust it fails."""
    now = _now()
    made = world(now)
    cert, key = _certificate(tmp_path)
    config = write_agency(made, MASH, tmp_path / "mash", accept_status=["exercise"])
    with config.open("a", encoding="utf-8") as file:
        file.write(f'[serve.tls]\ncertfile = "{cert}"\nkeyfile = "{key}"\n')
    loaded = load_config(config, {})
    options = {k: v for k, v in uvicorn_options(loaded).items() if k.startswith("ssl_")}
    with running(build(loaded), **options) as url:
        assert url.startswith("https://127.0.0.1:")
        message = concern(created=(now - dt.timedelta(minutes=5)).isoformat().replace("+00:00", "Z"))
        with client(ca_file=str(cert)) as http:
            (posted,) = send_over_http(
                [((MASH,), sealed(made, message, now))],
                message,
                {MASH: f"{url}/events"},
                sender=receiver(made, HV),
                at=now,
                http=http,
            )
        assert posted.answer is not None
        assert posted.answer.accepted
        with client() as untrusting, pytest.raises(DeliveryFailed, match="could not be reached"):
            send_over_http(
                [((MASH,), sealed(made, concern(), now))],
                message,
                {MASH: f"{url}/events"},
                sender=receiver(made, HV),
                at=now,
                http=untrusting,
            )


def test_the_demo_plays_the_same_story_over_front_doors(tmp_path: Path) -> None:
    """demo --transport http: every view the file transport opens is opened through a front door; the report is made."""
    outputs = {}
    for transport in ("file", "http"):
        out, err = io.StringIO(), io.StringIO()
        assert (
            main(["demo", "--transport", transport, "--out", str(tmp_path / transport)], stdout=out, stderr=err) == 0
        ), err.getvalue()
        outputs[transport] = out.getvalue()
        assert (tmp_path / transport / "chronology-report.html").exists()
    opened = {
        t: sorted(line.split(" in the ")[0] for line in text.splitlines() if " opened by " in line)
        for t, text in outputs.items()
    }
    assert len(opened["http"]) > 20
    assert opened["http"] == opened["file"]
    assert "Front doors for every agency on http://127.0.0.1:" in outputs["http"]
    assert "NOT OPENED" not in outputs["http"]
