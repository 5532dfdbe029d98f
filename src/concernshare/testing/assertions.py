"""A test assertion for messages that lists every problem and quotes no value from the message.

It raises a plain ``AssertionError``, so it works under any test runner;
under pytest the frame of the assertion itself is hidden from tracebacks.
Importing this module imports no part of concernshare's validation (nor
jsonschema): the pytest plugin loads it in every test run, and the
validation is imported on the first call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

    from concernshare.validation import Document

__all__ = ["assert_valid_message"]


def assert_valid_message(payload: Document, *, strict: bool = False, now: dt.datetime | None = None) -> None:
    """Pass silently if the message has no errors (with ``strict``, no warnings either).

    ``payload`` is the message as JSON bytes, JSON text, or a dict parsed from
    JSON. Otherwise raise ``AssertionError`` naming every problem the
    validation found, warnings too, one per line as ``POINTER: [CODE]
    message``. The validation runs in layers (strict JSON, then the schema,
    then the semantic checks) and stops at the first layer that finds a
    problem, so "every problem" means every problem of that layer. The
    failure message holds only pointers, codes and the problems' own words,
    which never quote a value from the message. ``now`` turns on the checks
    that need a clock.

    Raises ``TypeError`` if ``payload`` is not bytes, text or a dict.
    """
    __tracebackhide__ = True  # pytest leaves this frame, and its locals, out of the traceback
    if not isinstance(payload, bytes | str | dict):
        raise TypeError(f"a message is JSON bytes, JSON text or a dict, not {type(payload).__name__}")
    from concernshare.errors import Severity  # noqa: PLC0415  (imported on use: see the module)
    from concernshare.validation import iter_problems  # noqa: PLC0415

    problems = list(iter_problems(payload, now=now))
    errors = sum(problem.severity is Severity.ERROR for problem in problems)
    if not errors and not (strict and problems):
        return
    counts = [_count(errors, "error"), _count(len(problems) - errors, "warning")]
    lines = [f"the message is not valid{' (strict)' if strict else ''}: {', '.join(c for c in counts if c)}"]
    lines += [
        f"  {problem.pointer or '/'}: [{problem.code}] "
        f"{'' if problem.severity is Severity.ERROR else 'warning: '}{problem.message}"
        for problem in problems
    ]
    raise AssertionError("\n".join(lines))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}" if number else ""
