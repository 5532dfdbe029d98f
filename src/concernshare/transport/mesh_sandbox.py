"""Run NHS England's ``mesh-sandbox`` (a locally runnable MESH API) on loopback, for tests and the demo.

The sandbox is a FastAPI application; :func:`running_sandbox` starts it with
uvicorn in a child process on a free loopback port, with its own data folder
holding one mailbox per id given, full MESH authentication and a shared key,
and stops it on exit. It needs the ``mesh-sandbox`` package (a test
dependency, not a runtime one).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

import attrs

from concernshare.errors import SandboxUnavailable

__all__ = ["SANDBOX_PASSWORD", "Sandbox", "SandboxUnavailable", "running_sandbox"]

#: The password the sandbox gives every mailbox that it finds as a folder in its data folder.
SANDBOX_PASSWORD: Final = "password"  # noqa: S105  (the sandbox's fixed test password, not a secret)
_START_SECONDS: Final = 30.0


@attrs.frozen(kw_only=True)
class Sandbox:
    """A running sandbox: where it answers, its shared key and its data folder."""

    url: str
    shared_key: bytes = attrs.field(repr=False)
    data: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1) as answer:  # noqa: S310  (loopback http only)
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def running_sandbox(mailboxes: Iterable[str], *, data: Path | None = None) -> Iterator[Sandbox]:
    """Start the sandbox with one mailbox per id in ``mailboxes``; stop it (and remove a temporary folder) after.

    Raises :class:`SandboxUnavailable` if ``mesh-sandbox`` is not installed or
    the server does not answer within 30 seconds.
    """
    if importlib.util.find_spec("mesh_sandbox") is None or importlib.util.find_spec("uvicorn") is None:
        raise SandboxUnavailable("the MESH sandbox needs the mesh-sandbox package: pip install mesh-sandbox")
    with contextlib.ExitStack() as stack:
        folder = data if data is not None else Path(stack.enter_context(tempfile.TemporaryDirectory()))
        for mailbox in mailboxes:
            (folder / mailbox.upper() / "in").mkdir(parents=True, exist_ok=True)
        shared_key = os.urandom(16).hex().encode()
        port = _free_port()
        environment = {
            **os.environ,
            "ENV": "local",
            "AUTH_MODE": "full",
            "STORE_MODE": "file",
            "MAILBOXES_DATA_DIR": str(folder),
            "SHARED_KEY": shared_key.decode(),
        }
        log = stack.enter_context((folder / "sandbox.log").open("wb"))
        server = subprocess.Popen(  # noqa: S603  (a fixed command: this Python and uvicorn)
            [
                sys.executable,
                "-m",
                "uvicorn",
                "mesh_sandbox.api:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        stack.callback(_stop, server)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + _START_SECONDS
        while not _answers(url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SandboxUnavailable(f"the MESH sandbox did not start on {url}; see {folder / 'sandbox.log'}")
            time.sleep(0.1)
        yield Sandbox(url=url, shared_key=shared_key, data=folder)


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
