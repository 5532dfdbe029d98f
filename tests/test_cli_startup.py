"""What the command line imports before it runs: the module of the command asked for, nothing heavy for --help."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from concernshare.cli import _parser, build_parser
from concernshare.errors import UsageError

EXAMPLE = sorted((Path(__file__).parents[1] / "examples" / "messages").glob("*.json"))[0]

# Runs main() in a fresh interpreter and prints, as JSON, every module it imported.
_PROBE = """
import json, sys
from concernshare.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""

# What no command but its own may import: the calendar's holidays, the chronology, routing, the
# tracker, the transports, the full validator, and what the trust and sealing layers bring.
HEAVY = (
    "holidays",
    "jsonschema",
    "cattrs",
    "attrs",
    "cryptography",
    "concernshare.errors",
    "concernshare.records",
    "concernshare.chronology",
    "concernshare.routing",
    "concernshare.tracker",
    "concernshare.sealing",
    "concernshare.directory",
    "concernshare.transport",
)


def _imported(*argv: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv], capture_output=True, check=True, text=True, timeout=120
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def _heavy(modules: set[str], names: tuple[str, ...]) -> set[str]:
    return {m for m in modules for name in names if m == name or m.startswith(f"{name}.")}


@pytest.mark.parametrize("argv", [("--help",), ("--version",)])
def test_help_imports_no_command_module(argv: tuple[str, ...]) -> None:
    """--help and --version import the light parser and none of the heavy modules."""
    modules = _imported(*argv)
    assert "concernshare.cli._parser" in modules
    assert not _heavy(modules, HEAVY)
    assert not {f"concernshare.cli.{m}" for m in _parser.MODULES} & modules


def test_an_unknown_command_imports_no_command_module() -> None:
    """An unknown command is refused by the light parser: the error classes are loaded, no command module is."""
    modules = _imported("no-such-command")
    assert "concernshare.errors" in modules
    assert not _heavy(modules, ("holidays", "jsonschema", "cattrs", "cryptography", "concernshare.records"))
    assert not {f"concernshare.cli.{m}" for m in _parser.MODULES} & modules


def test_validate_imports_only_what_validation_needs() -> None:
    """Validating a file imports the validate command's module and not routing, the chronology or sealing."""
    modules = _imported("validate", str(EXAMPLE))
    assert "concernshare.cli._validate" in modules
    assert "concernshare.validation" in modules  # the probe does see a command's own imports
    later = (
        "holidays",
        "concernshare.chronology",
        "concernshare.routing",
        "concernshare.tracker",
        "concernshare.sealing",
        "concernshare.directory",
        "concernshare.transport",
        "cryptography",
    )
    assert not _heavy(modules, later)
    assert not {f"concernshare.cli.{m}" for m in _parser.MODULES if m != "_validate"} & modules


def test_validating_a_valid_file_imports_no_explainer() -> None:
    """A valid message is judged by jsonschema-rs and the checks' own NHS arithmetic: ``jsonschema`` (with
    ``referencing``) and python-stdnum are imported only to explain a refusal or check an unusual number."""
    modules = _imported("validate", str(EXAMPLE))
    assert "jsonschema_rs" in modules  # the fast judge did run
    assert "concernshare.checks" in modules
    assert not _heavy(modules, ("jsonschema", "referencing", "stdnum"))


def test_validating_an_invalid_file_explains_it(tmp_path: Path) -> None:
    """A message the schema refuses is explained by ``jsonschema``, imported then, with the usual problem line."""
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document["surplus"] = True
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    probe = _PROBE.replace("main(sys.argv[1:])", "print(main(sys.argv[1:]))")
    done = subprocess.run(
        [sys.executable, "-c", probe, "validate", str(bad)], capture_output=True, check=True, text=True, timeout=120
    )
    code, modules = done.stdout.splitlines()[-2:]
    assert code == "1"
    assert "jsonschema" in json.loads(modules)
    assert f"{bad}:/surplus: [CS011]" in done.stderr


def test_the_table_says_what_each_module_registers() -> None:
    """Every command of the full parser is in the light table, in the same order and with the same help line."""
    full = build_parser()
    commands = next(a for a in full._actions if a.dest == "command")
    registered = [(c.dest, c.help) for c in commands._choices_actions]
    assert registered == [(name, help_line) for name, _, help_line in _parser.COMMANDS]


@pytest.mark.parametrize(("name", "module", "help_line"), _parser.COMMANDS)
def test_each_command_gets_its_own_parser(name: str, module: str, help_line: str) -> None:
    """The parser for a command's arguments holds that command in full (its own options), as build_parser's does."""
    light = _parser.parser_for([name, "--help"])
    commands = next(a for a in light._actions if a.dest == "command")
    assert (
        commands.choices[name].format_help()
        == next(a for a in build_parser()._actions if a.dest == "command").choices[name].format_help()
    )
    assert any(c.dest == name and c.help == help_line for c in commands._choices_actions)
    assert module in _parser.MODULES


def test_a_misused_command_is_a_usage_error() -> None:
    """An unknown command is refused with exit code 2, one line, after the light parser alone."""
    done = subprocess.run(
        [sys.executable, "-m", "concernshare", "no-such-command"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "invalid choice" in done.stderr
    assert "Traceback" not in done.stderr


def _usage_error(parser: argparse.ArgumentParser, argv: list[str]) -> str:
    with pytest.raises(UsageError) as refused:
        parser.parse_args(argv)
    return str(refused.value)


@pytest.mark.parametrize(
    "argv",
    [
        ["validate"],
        ["validate", "--no-such-option", "x.json"],
        ["validate", "x.json", "--version"],
        ["schema", "no-such-kind"],
        ["seal", "--no-such-option"],
        ["no-such-command", "validate"],
        ["--no-such-option", "validate"],
    ],
)
def test_a_misuse_is_told_as_the_full_parser_tells_it(argv: list[str]) -> None:
    """The light parser, with the named command alone or with every command, refuses as build_parser's does."""
    assert _usage_error(_parser.parser_for(argv), argv) == _usage_error(build_parser(), argv)


@pytest.mark.parametrize("argv", [["-h", "validate"], ["--help", "seal", "x"]])
def test_help_before_a_command_lists_every_command(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Asked for help before the command, the light parser prints the full list, as build_parser's does."""
    shown = []
    for parser in (_parser.parser_for(argv), build_parser()):
        with pytest.raises(SystemExit):
            parser.parse_args(argv)
        shown.append(capsys.readouterr().out)
    assert shown[0] == shown[1]
    assert all(name in shown[0] for name, _, _ in _parser.COMMANDS)
