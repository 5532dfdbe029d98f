"""The import contracts in pyproject.toml hold, each refuses an import that breaks it, and the docs list the layers."""

from __future__ import annotations

import copy
import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import grimp
import pytest
from importlinter import api
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract
from importlinter.contracts.private_modules import PrivateModulesContract
from importlinter.contracts.protected import ProtectedContract

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
DOCS = ROOT / "docs" / "reference" / "api" / "index.md"
TYPES: dict[str, Any] = {
    "layers": LayersContract,
    "forbidden": ForbiddenContract,
    "private_modules": PrivateModulesContract,
    "protected": ProtectedContract,
}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    """The package's import graph, built without a cache so that nothing is written beside the sources."""
    return grimp.build_graph("concernshare", cache_dir=None)


def _configuration() -> dict[str, Any]:
    return api.read_configuration(str(PYPROJECT))


def _contract(contract_id: str) -> Any:
    configuration = _configuration()
    options = next(c for c in configuration["contracts_options"] if c["id"] == contract_id)
    contract_type = TYPES[options["type"]]
    return contract_type(
        name=options["name"],
        session_options=configuration["session_options"],
        contract_options=options,
    )


def _kept(contract_id: str, graph: grimp.ImportGraph) -> bool:
    kept: bool = _contract(contract_id).check(copy.deepcopy(graph), verbose=False).kept
    return kept


def test_lint_imports_passes() -> None:
    """``lint-imports``, as a contributor runs it, finds every contract kept."""
    command = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [command, "--config", PYPROJECT, "--no-cache", "--no-logo"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_contract_is_checked() -> None:
    """Each contract in pyproject has a type this test knows, so none is silently left out."""
    contracts = _configuration()["contracts_options"]
    assert {c["id"] for c in contracts} == {"layers", "crypto-bytes", "schema-json", "private", "root"}
    assert {c["type"] for c in contracts} <= set(TYPES)


@pytest.mark.parametrize("contract_id", ["layers", "crypto-bytes", "schema-json", "private", "root"])
def test_the_package_keeps_the_contract(graph: grimp.ImportGraph, contract_id: str) -> None:
    """The package as it stands keeps every contract."""
    assert _kept(contract_id, graph)


@pytest.mark.parametrize(
    ("importer", "imported", "contract_id"),
    [
        ("concernshare.records.envelope", "concernshare.exchange", "layers"),
        ("concernshare.errors", "concernshare.records.types", "layers"),
        ("concernshare.sealing", "concernshare.stores.interface", "layers"),
        ("concernshare.directory", "concernshare.stores", "layers"),
        ("concernshare.chronology.build", "concernshare.routing.plan", "layers"),
        ("concernshare.schema", "concernshare.validation", "layers"),
        ("concernshare.exchange", "concernshare.cli", "layers"),
        ("concernshare.crypto.keys", "concernshare.records.types", "crypto-bytes"),
        ("concernshare.schema", "concernshare.records.types", "schema-json"),
        ("concernshare.sealing", "concernshare.crypto._jose", "private"),
        ("concernshare.directory", "concernshare.crypto._jose", "private"),
        ("concernshare.codec", "concernshare", "root"),
        ("concernshare.records.envelope", "concernshare", "root"),
    ],
)
def test_an_import_against_the_contract_breaks_it(
    graph: grimp.ImportGraph, importer: str, imported: str, contract_id: str
) -> None:
    """Adding one import that points the wrong way breaks the contract that forbids it."""
    broken = copy.deepcopy(graph)
    broken.add_import(importer=importer, imported=imported)
    assert not _kept(contract_id, broken)


def test_a_module_not_placed_in_a_layer_breaks_the_contract(graph: grimp.ImportGraph) -> None:
    """A new module directly under the package must be given a layer."""
    grown = copy.deepcopy(graph)
    grown.add_module("concernshare.helpers")
    check = _contract("layers").check(grown, verbose=False)
    assert not check.kept
    assert check.metadata["undeclared_modules"] == {"concernshare.helpers"}


def _contract_layers(graph: grimp.ImportGraph) -> list[set[str]]:
    """The layers that have a module today, top first, each as the set of its modules' names."""
    options = next(c for c in _configuration()["contracts_options"] if c["id"] == "layers")
    layers = []
    for layer in options["layers"]:
        names = {name.strip().strip("()") for name in re.split(r"[|:]", layer)}
        present = {name for name in names if f"concernshare.{name}" in graph.modules}
        if present:
            layers.append(present)
    return layers


def _documented_layers() -> list[set[str]]:
    text = DOCS.read_text(encoding="utf-8")
    table = text.split("<!-- layers -->", 1)[1].split("<!-- /layers -->", 1)[0]
    rows = [line.split("|") for line in table.splitlines() if line.startswith("| ") and line[2].isdigit()]
    return [set(re.findall(r"`([^`]+)`", cells[2])) for cells in rows]


def test_the_docs_list_the_layers_of_the_contract(graph: grimp.ImportGraph) -> None:
    """The table of layers in the API reference names the contract's modules, layer by layer, in its order."""
    expected = _contract_layers(graph)
    rows = "\n".join(f"{number}: {', '.join(sorted(layer))}" for number, layer in enumerate(expected, start=1))
    assert _documented_layers() == expected, (
        "docs/reference/api/index.md (between <!-- layers --> and <!-- /layers -->) must list, top first, "
        f"the modules of each layer in [tool.importlinter] that exist:\n{rows}"
    )


def _public_modules() -> list[str]:
    package = importlib.import_module("concernshare")
    return [
        info.name
        for info in pkgutil.walk_packages(package.__path__, prefix="concernshare.")
        if not any(part.startswith("_") for part in info.name.split("."))
    ]


def test_every_error_class_is_defined_in_errors() -> None:
    """Every exception class that a public module holds under a public name is defined in concernshare.errors."""
    elsewhere = set()
    for name in _public_modules():
        for attribute, value in vars(importlib.import_module(name)).items():
            if (
                inspect.isclass(value)
                and issubclass(value, Exception)
                and not attribute.startswith("_")
                and value.__module__.startswith("concernshare.")
                and value.__module__ != "concernshare.errors"
            ):
                elsewhere.add(f"{value.__module__}.{value.__qualname__}")
    assert not elsewhere, f"define these in concernshare.errors (and re-export them where they were): {elsewhere}"
