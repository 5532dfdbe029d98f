"""``concernshare validate --jsonl``: JSON Lines streamed in constant memory, problems by file, line and pointer."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _samples import MINIMAL
from concernshare.cli import _validate, main

GOOD = json.dumps(MINIMAL).encode()
BAD = json.dumps(dict(MINIMAL, recipients=[])).encode()


class _Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _run(*argv: str, stdin: bytes = b"", err: io.StringIO | None = None) -> tuple[int, str, str]:
    out, error = io.StringIO(), err or io.StringIO()
    code = main(list(argv), stdout=out, stderr=error, stdin=io.BytesIO(stdin))
    return code, out.getvalue(), error.getvalue()


def test_valid_lines_exit_zero(tmp_path: Path) -> None:
    """A file of valid messages exits 0; blank lines are skipped and not counted."""
    path = tmp_path / "messages.jsonl"
    path.write_bytes(GOOD + b"\n\n" + GOOD + b"\r\n   \n")
    code, out, err = _run("validate", "--jsonl", str(path))
    assert (code, out, err) == (0, "", "2 checked, 2 valid, 0 invalid\n")


def test_problems_name_file_line_and_pointer(tmp_path: Path) -> None:
    """Each problem is FILE:LINE:POINTER: [CODE] message, the line counted from 1, blank lines included."""
    path = tmp_path / "messages.jsonl"
    path.write_bytes(GOOD + b"\n\n" + BAD + b"\n{\n" + GOOD)
    code, _, err = _run("validate", "--jsonl", str(path))
    assert code == 1
    assert err.splitlines() == [
        f"{path}:3:/recipients: [CS020] must have at least 1 item",
        f"{path}:4:: [CS001] the document is not well-formed JSON: Expecting property name enclosed in double "
        "quotes at line 1 column 2",
        "4 checked, 2 valid, 2 invalid",
    ]


def test_stdin_and_folders(tmp_path: Path) -> None:
    """- reads standard input; a folder gives every *.jsonl in it, recursively, in order."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.jsonl").write_bytes(GOOD + b"\n")
    (tmp_path / "sub" / "b.jsonl").write_bytes(BAD + b"\n")
    (tmp_path / "c.json").write_bytes(b"ignored")
    code, _, err = _run("validate", "--jsonl", str(tmp_path), "-", stdin=BAD + b"\n" + GOOD + b"\n")
    assert code == 1
    assert [line.split(":/")[0] for line in err.splitlines()[:-1]] == [f"{tmp_path / 'sub' / 'b.jsonl'}:1", "-:1"]
    assert err.splitlines()[-1] == "4 checked, 2 valid, 2 invalid"


def test_json_reports_one_line_per_document() -> None:
    """With --format json, stdout has one JSON report per document, in order, and stderr stays quiet."""
    code, out, err = _run("validate", "--jsonl", "--format", "json", "-", stdin=GOOD + b"\n" + BAD)
    reports = [json.loads(line) for line in out.splitlines()]
    assert (code, err) == (1, "")
    assert [(r["file"], r["line"], r["valid"]) for r in reports] == [("-", 1, True), ("-", 2, False)]
    assert reports[1]["problems"][0]["code"] == "CS020"


def test_a_line_over_the_limit_is_skipped_in_pieces() -> None:
    """A line longer than --max-bytes is refused (CS007) and skipped; the next line is read as ever."""
    long_line = b'{"x":"' + b"a" * 200_000 + b'"}'
    code, _, err = _run("validate", "--jsonl", "--max-bytes", "5000", "-", stdin=long_line + b"\n" + GOOD + b"\n")
    assert code == 1
    assert err.splitlines()[0].startswith("-:1:: [CS007] the document is larger than the limit of 5000 bytes")
    assert err.splitlines()[-1] == "2 checked, 1 valid, 1 invalid"


def test_unreadable_file(tmp_path: Path) -> None:
    """A file that cannot be read is reported as CS000 and the others are still validated."""
    folder = tmp_path / "messages.jsonl"
    folder.mkdir()
    (folder / "inner.jsonl").write_bytes(GOOD)
    code, _, err = _run("validate", "--jsonl", str(folder))
    assert code == 0
    assert err == "1 checked, 1 valid, 0 invalid\n"
    assert _run("validate", "--jsonl", str(tmp_path / "nothing.jsonl"))[0] == 2


def test_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A progress line is drawn on stderr when it is a terminal, and cleared before problems and the summary."""
    monkeypatch.setattr(_validate, "_PROGRESS_SECONDS", 0.0)
    lines = GOOD + b"\n" + BAD + b"\n" + GOOD + b"\n"
    _, _, plain = _run("validate", "--jsonl", "-", stdin=lines)
    assert "\r" not in plain
    _, _, drawn = _run("validate", "--jsonl", "-", stdin=lines, err=_Terminal())
    assert "\r1 checked, 0 invalid" in drawn
    assert "\r\x1b[K-:2:/recipients: [CS020]" in drawn
    assert drawn.endswith("\r\x1b[K3 checked, 2 valid, 1 invalid\n")


class _Lines(io.RawIOBase):
    """A stream of ``count`` lines made as they are read: mostly short refusals, with valid messages among them."""

    def __init__(self, count: int) -> None:
        self._lines = self._make(count)
        self._pending = b""

    @staticmethod
    def _make(count: int) -> Iterator[bytes]:
        for number in range(count):
            if number % 1000 == 7:
                yield BAD + b"\n"
            elif number % 50 == 3:
                yield GOOD + b"\n"
            elif number % 10 == 1:
                yield b'{"format_version": "1.0",\n'
            else:
                yield b"[]\n"

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            line = next(self._lines, None)
            if line is None:
                return 0
            self._pending = line
        size = min(len(buffer), len(self._pending))
        buffer[:size], self._pending = self._pending[:size], self._pending[size:]
        return size


class _Discard(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


def _peak(count: int) -> int:
    stream = io.BufferedReader(_Lines(count))
    tracemalloc.start()
    try:
        code = main(["validate", "--jsonl", "-"], stdout=_Discard(), stderr=_Discard(), stdin=stream)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert code == 1
    return peak


def test_memory_stays_flat() -> None:
    """The peak of memory over 25,000 lines is that over 5,000: nothing is kept per line."""
    _peak(200)  # caches and validators built once, before measuring
    small, large = _peak(5_000), _peak(25_000)
    assert large < small * 1.25 + 64 * 1024


def test_a_valid_line_is_reported_as_json_dumps_writes_it(tmp_path: Path) -> None:
    """The report of a valid line is exactly json.dumps's, whatever the file is called."""
    folder = tmp_path / 'a "quoted" földer\\'
    folder.mkdir()
    path = folder / "messages.jsonl"
    path.write_bytes(GOOD + b"\n" + BAD + b"\n\n" + GOOD + b"\n")
    code, out, _ = _run("validate", "--jsonl", "--format", "json", str(path), "-", stdin=GOOD + b"\n")
    lines = out.splitlines()
    assert code == 1
    for line, (name, number) in zip(lines, [(str(path), 1), (str(path), 2), (str(path), 4), ("-", 1)], strict=True):
        report = json.loads(line)
        assert (report["file"], report["line"]) == (name, number)
        if report["valid"]:
            expected = {"file": name, "line": number, "valid": True, "problems": []}
            assert line == json.dumps(expected, ensure_ascii=False)
    assert [json.loads(line)["valid"] for line in lines] == [True, False, True, True]
