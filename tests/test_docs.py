"""The docs site builds offline with warnings as errors, its generated references are complete, and every example runs.

The examples of README.md and of every page under docs/ run as tests, with
Sybil, in the order they appear, one namespace per document, in a fresh folder
that holds a link to the repository's ``examples/`` (so that paths are written
as from a clone) and a state folder of its own:

- a ``python`` block runs as Python;
- in a ``sh`` block, each line that starts with ``concernshare`` (with ``\\``
  continuations joined) runs through :func:`concernshare.cli.main`, and must
  exit with 0, or with N where the line ends in the comment ``# exit status N``.
  Other lines (installing, making a virtual environment) are steps for a new
  machine, which ``.ci/run`` covers, and are not run here. A block in which a
  line holds ``...`` is a synopsis with placeholders, and is not run;
- a block that must not run is marked before it with ``% skip: next`` (or
  ``<!-- skip: next -->``), sparingly; ``% skip: next if(...)`` may test
  ``postgres_available``.

docs/pytest-plugin.md is the exception: its examples are test modules, which
tests/test_pytest_plugin.py runs with pytester.
"""

from __future__ import annotations

import ast
import html
import io
import json
import os
import re
import shlex
import subprocess
import sys
import unittest
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
from sybil import Document, Example
from sybil.evaluators.skip import Skipper
from sybil.parsers.myst import CodeBlockParser, PythonCodeBlockParser, SkipParser

from concernshare.catalogue import CATALOGUE

ROOT: Final = Path(__file__).resolve().parent.parent
DOCS: Final = ROOT / "docs"
SRC: Final = ROOT / "src" / "concernshare"
#: Documents whose examples another test runs.
RUN_ELSEWHERE: Final = frozenset({DOCS / "pytest-plugin.md"})
CODE: Final = re.compile(r"CS[0-9]{3}")
EXIT: Final = re.compile(r"#\s*exit status (\d+)\s*$")
FENCE: Final = re.compile(r"^[ \t]*```(python|sh)[ \t]*$", re.MULTILINE)
#: README.md and every page of the docs that has a python or sh block.
DOCUMENTS: Final = sorted(
    p
    for p in [ROOT / "README.md", *DOCS.rglob("*.md")]
    if "_build" not in p.parts and p not in RUN_ELSEWHERE and FENCE.search(p.read_text(encoding="utf-8"))
)
#: What tests/_stores.py uses; a PostgreSQL example runs where it answers.
POSTGRES_DSN: Final = os.environ.get("CONCERNSHARE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
#: Where the site is built; proxies that lead nowhere make any attempt to fetch something fail the build.
OFFLINE: Final = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "no_proxy": "",
}


# -- the build ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built as CI builds it: nitpicky, warnings as errors, offline."""
    out = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "sphinx", "-n", "-W", "--keep-going", "-q", "-b", "html", str(DOCS), str(out)]
    result = subprocess.run(
        command, cwd=ROOT, env={**os.environ, **OFFLINE}, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, f"sphinx-build failed:\n{result.stderr[-20000:]}"
    return out


def _page(site: Path, name: str) -> str:
    return (site / name).read_text(encoding="utf-8")


def test_every_page_is_built_and_search_works(site: Path) -> None:
    """Every source page has its HTML page, and the search page and its index exist and know the content."""
    for source in DOCS.rglob("*.md"):
        if "_build" not in source.parts:
            built = site / source.relative_to(DOCS).with_suffix(".html")
            assert built.is_file(), f"{source.relative_to(ROOT)} was not built"
    assert "searchindex.js" in _page(site, "search.html")
    index = _page(site, "searchindex.js")
    for word in ("modulus", "referral", "withdrawal", "cs101"):
        assert word in index.lower(), f"the search index does not know {word!r}"
    home = _page(site, "index.html")
    for target in (
        "specification/index.html",
        "reference/problems.html",
        "reference/cli.html",
        "glossary.html",
        "pytest-plugin.html",
        "changelog.html",
        "search.html",
    ):
        assert f'href="{target}' in home, f"the home page does not link to {target}"


def _schema_files() -> list[Path]:
    return sorted((ROOT / "src" / "concernshare" / "schemas").glob("*.schema.json"))


@pytest.mark.parametrize("schema_file", _schema_files(), ids=lambda p: p.name)
def test_the_schema_reference_has_every_definition_and_field(site: Path, schema_file: Path) -> None:
    """Each bundled schema's page has a section for every definition, and names every field of each."""
    kind = schema_file.name.removesuffix(".schema.json")
    page = _page(site, f"reference/schema/{kind}.html")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    sections = {"": page.split(f'id="schema-{kind}-', 1)[0]}
    for name in schema["$defs"]:
        assert f'id="schema-{kind}-{name}"' in page, f"no section for the definition {name}"
        sections[name] = page.split(f'id="schema-{kind}-{name}"', 1)[1].split('<section id="schema-', 1)[0]
    for name, node in [("", schema), *schema["$defs"].items()]:
        for member in node.get("properties", {}):
            assert f'<span class="pre">{member}</span>' in sections[name], f"{name or kind}.{member} is missing"
    assert "Example" in page


def test_the_cli_reference_has_every_command_and_option(site: Path) -> None:
    """Every command and sub-command of the parser has its section, and every option is named."""
    import argparse  # noqa: PLC0415

    from concernshare.cli import build_parser  # noqa: PLC0415

    page = _page(site, "reference/cli.html")

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    yield (*path, name), child
                    yield from walk(child, (*path, name))

    commands = list(walk(build_parser(), ()))
    assert len(commands) > 10
    for path, parser in commands:
        anchor = "cli-" + "-".join(path)
        assert f'id="{anchor}"' in page, f"no section for concernshare {' '.join(path)}"
        section = page.split(f'id="{anchor}"', 1)[1].split("<section", 1)[0]
        for action in parser._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in section, f"concernshare {' '.join(path)}: {option} is not described"


def _codes_in_source() -> set[str]:
    """Every string literal in the package's source that is a problem code (read, never run)."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
                found.add(node.value)
    return found


def _plain(text: str) -> str:
    """Text with Sphinx's smart quotes, dashes and ellipses written plainly again."""
    return text.translate(str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})).replace(
        "\u2026", "..."
    )


def test_the_problem_codes_page_has_every_code(site: Path) -> None:
    """Every code in the catalogue and the source has its entry, with its meaning and a fix."""
    every = set(CATALOGUE) | _codes_in_source()
    assert {"CS000", "CS101", "CS201", "CS301"} <= every
    page = _page(site, "reference/problems.html")
    for code in sorted(every):
        assert f'id="{code.lower()}"' in page, f"{code} is not on the problem codes page"
        entry = page.split(f'id="{code.lower()}"', 1)[1].split("<section", 1)[0]
        assert "How to fix it" in entry, f"{code} does not say how to fix it"
        assert _plain(CATALOGUE[code].meaning) in _plain(html.unescape(entry)), f"{code} does not give its meaning"


def test_the_api_reference_has_every_public_module(site: Path) -> None:
    """Every public module of the package is documented on one of the API pages."""
    import pkgutil  # noqa: PLC0415

    import concernshare  # noqa: PLC0415

    pages = "".join(p.read_text(encoding="utf-8") for p in (site / "reference" / "api").glob("*.html"))
    modules = ["concernshare"] + [
        info.name
        for info in pkgutil.walk_packages(concernshare.__path__, prefix="concernshare.")
        if not any(part.startswith("_") for part in info.name.split("."))
    ]
    for module in modules:
        assert f'id="module-{module}"' in pages, f"{module} is not in the API reference"


def test_the_specification_covers_every_message_type(site: Path) -> None:
    """The message types page has a section for each of the twelve types."""
    from concernshare.records import MessageType  # noqa: PLC0415

    page = _page(site, "specification/messages.html")
    for kind in MessageType:
        assert f'id="{kind.value.replace("_", "-")}"' in page, f"no section for {kind.value}"


# -- the examples ------------------------------------------------------------------------------


def _postgres_available() -> bool:
    try:
        import psycopg  # noqa: PLC0415
    except ImportError:
        return False
    try:
        psycopg.connect(POSTGRES_DSN, connect_timeout=3).close()
    except psycopg.Error:
        if os.environ.get("CI"):  # as the store tests do: under CI a missing server is a failure
            raise
        return False
    return True


def _commands(source: str) -> list[str]:
    return [line.strip() for line in source.replace("\\\n", " ").splitlines()]


def run_commands(example: Example) -> str | None:
    """Run the ``concernshare`` lines of an ``sh`` block through the command line's ``main``."""
    from concernshare.cli import main  # noqa: PLC0415

    lines = _commands(str(example.parsed))
    if any("..." in line for line in lines):
        return None  # a synopsis with placeholders
    for line in lines:
        if not line.startswith("concernshare "):
            continue
        expected = int(match.group(1)) if (match := EXIT.search(line)) else 0
        out, err = io.StringIO(), io.StringIO()
        status = main(shlex.split(line, comments=True)[1:], stdout=out, stderr=err, stdin=io.BytesIO())
        if status != expected:
            return f"`{line}` exited with {status}, not {expected}:\n{err.getvalue()}"
    return None


def _examples(path: Path) -> Document:
    document = Document.parse(str(path), PythonCodeBlockParser(), CodeBlockParser("sh", run_commands), SkipParser())
    fences = len(FENCE.findall(document.text))
    found = sum(1 for example in document if not isinstance(example.region.evaluator, Skipper))
    assert found == fences, f"{path.name}: {fences} python and sh blocks, but {found} examples were found"
    return document


def test_there_are_examples_to_run() -> None:
    """README.md and the docs have examples, and the docs mark few blocks as not to be run."""
    texts = [p.read_text(encoding="utf-8") for p in DOCUMENTS]
    assert sum(len(FENCE.findall(t)) for t in texts) >= 30
    assert sum(len(re.findall(r"skip: next", t)) for t in texts) <= 3


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_example_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every python block and every concernshare command of the document runs, in order, as written."""
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONCERNSHARE_STATE_DIR", str(tmp_path / "state"))
    document = _examples(path)
    postgres = path.name == "postgres.md" and _postgres_available()
    document.namespace["postgres_available"] = postgres
    dropped = _schema_to_drop(monkeypatch) if postgres else None
    try:
        for example in document:
            try:
                example.evaluate()
            except unittest.SkipTest:
                continue
    finally:
        if dropped is not None:
            dropped()


def _schema_to_drop(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Point the PostgreSQL example at the test server; drop the schema it makes, unless it was there already."""
    import psycopg  # noqa: PLC0415

    monkeypatch.setenv("CONCERNSHARE_DSN", POSTGRES_DSN)
    with psycopg.connect(POSTGRES_DSN) as db:
        existed = db.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'concernshare'").fetchone() is not None

    def drop() -> None:
        if not existed:
            with psycopg.connect(POSTGRES_DSN, autocommit=True) as db:
                db.execute("DROP SCHEMA IF EXISTS concernshare CASCADE")

    return drop
