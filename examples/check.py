"""Check the example messages: every valid one is clean, every invalid one fails as recorded.

Run from the repository root::

    .venv/bin/python examples/check.py          # the Python API only
    .venv/bin/python examples/check.py --cli    # also the `concernshare validate` command

For each ``examples/messages/*.json`` there must be no problem at all (no
warning either). For each ``examples/invalid/NAME.json`` the validator must
report a problem with exactly the pointer and code of ``NAME.expected.json``,
no problem message may quote a value from the file (a name, an identifier, a
date, free text), and, with ``--cli``, ``concernshare validate`` must exit 1,
print that pointer and code, and print no traceback. Exit status 0 when all
hold, 1 otherwise.
"""

from __future__ import annotations

import enum
import json
import pathlib
import re
import subprocess
import sys
from typing import Any

from concernshare.records import codes
from concernshare.validation import is_valid, iter_problems

HERE = pathlib.Path(__file__).resolve().parent
MESSAGES = HERE / "messages"
INVALID = HERE / "invalid"

#: Code-list values are vocabulary, not personal data: a message may name them.
_VOCABULARY = frozenset(
    str(member.value)
    for name in codes.__all__
    if isinstance(getattr(codes, name), type) and issubclass(getattr(codes, name), enum.Enum)
    for member in getattr(codes, name)
) | {"1.0", "2.0"}
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"(\s*:)?')


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return [value] if isinstance(value, str) else []


def values_in(raw: bytes) -> set[str]:
    """Every string value in a document, read leniently (the document may be broken)."""
    text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    try:
        found = _strings(json.loads(text))
    except ValueError:
        found = []
        for match in _STRING.finditer(text):
            if match.group(2):  # a member name
                continue
            try:
                found.append(json.loads(f'"{match.group(1)}"'))
            except ValueError:
                found.append(match.group(1))
    personal: set[str] = set()
    for value in found:
        if value in _VOCABULARY or len(value) < 3:
            continue
        personal.add(value)
        # Names are also checked word by word (a message must not say "Kai" either).
        personal.update(w for w in re.findall(r"[A-Za-z][A-Za-z'-]{2,}", value)
                        if w[0].isupper() and w not in _VOCABULARY)
    return personal


def quoted(message: str, personal: set[str]) -> list[str]:
    hits = []
    for value in personal:
        if " " not in value and value.isalpha():
            if re.search(rf"\b{re.escape(value)}\b", message):
                hits.append(value)
        elif value in message:
            hits.append(value)
    return hits


def check_valid() -> list[str]:
    failures = []
    files = sorted(MESSAGES.glob("*.json"))
    if not files:
        failures.append(f"{MESSAGES}: no example messages")
    for path in files:
        for problem in iter_problems(path.read_bytes()):
            failures.append(f"{path.name}: {problem.severity}: {problem}")
    return failures


def check_invalid(cli: bool) -> tuple[int, list[str]]:
    failures = []
    cases = sorted(p for p in INVALID.glob("*.json") if not p.name.endswith(".expected.json"))
    for path in cases:
        expected_path = path.with_name(path.name.removesuffix(".json") + ".expected.json")
        if not expected_path.exists():
            failures.append(f"{path.name}: no {expected_path.name}")
            continue
        expected = json.loads(expected_path.read_text(encoding="ascii"))
        raw = path.read_bytes()
        problems = list(iter_problems(raw))
        if not any(p.pointer == expected["pointer"] and p.code == expected["code"]
                   for p in problems):
            got = "; ".join(f"{p.pointer!r} {p.code}" for p in problems) or "nothing"
            failures.append(f"{path.name}: expected {expected['pointer']!r} {expected['code']}, "
                            f"got {got}")
        if is_valid(raw):
            failures.append(f"{path.name}: is_valid() says it is valid")
        personal = values_in(raw)
        for problem in problems:
            if hits := quoted(problem.message, personal):
                failures.append(f"{path.name}: {problem.pointer!r} {problem.code} message quotes "
                                f"{len(hits)} value(s) from the document")
    if cli:
        failures.extend(_check_cli(cases))
    return len(cases), failures


def _check_cli(cases: list[pathlib.Path]) -> list[str]:
    failures = []
    for path in cases:
        expected = json.loads(path.with_name(path.name.removesuffix(".json") + ".expected.json")
                              .read_text(encoding="ascii"))
        run = subprocess.run(  # noqa: S603 -- fixed arguments: this Python, this package, a file path
            [sys.executable, "-m", "concernshare", "validate", "--format", "json", str(path)],
            capture_output=True, timeout=60, check=False,
        )
        if run.returncode != 1:
            failures.append(f"{path.name}: CLI exit status {run.returncode}, expected 1")
        if b"Traceback" in run.stderr or b"Traceback" in run.stdout:
            failures.append(f"{path.name}: CLI printed a traceback")
            continue
        try:
            report = json.loads(run.stdout)
            problems = report["files"][0]["problems"]
        except (ValueError, KeyError, IndexError):
            failures.append(f"{path.name}: CLI printed no JSON report")
            continue
        if not any(p["pointer"] == expected["pointer"] and p["code"] == expected["code"]
                   for p in problems):
            failures.append(f"{path.name}: CLI did not report {expected['pointer']!r} "
                            f"{expected['code']}")
    return failures


def main(argv: list[str]) -> int:
    failures = check_valid()
    count, invalid_failures = check_invalid(cli="--cli" in argv)
    failures.extend(invalid_failures)
    for failure in failures:
        print(failure)
    valid = len(list(MESSAGES.glob("*.json")))
    print(f"{valid} valid examples, {count} invalid examples, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
