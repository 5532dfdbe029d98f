"""The root package re-exports the everyday API, each name loaded only when it is first asked for."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

import concernshare
from concernshare import _format

EVERYDAY = {
    "validate": "concernshare.validation",
    "iter_problems": "concernshare.validation",
    "loads": "concernshare.codec",
    "dumps": "concernshare.codec",
    "seal": "concernshare.sealing",
    "open_sealed": "concernshare.sealing",
    "send": "concernshare.exchange",
    "receive": "concernshare.exchange",
    "route": "concernshare.routing.plan",
}
#: Modules that the everyday API needs and that a bare ``import concernshare`` must not load.
HEAVY = ("attrs", "cattrs", "jsonschema", "referencing", "cryptography", "holidays", "stdnum")


def _loaded_after(code: str) -> list[str]:
    """The modules of concernshare and the heavy dependencies loaded by a fresh interpreter running ``code``."""
    script = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {('concernshare', *HEAVY)!r})))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(result.stdout)
    return loaded


@pytest.mark.parametrize(("name", "module"), sorted(EVERYDAY.items()))
def test_each_name_is_the_function_of_its_module(name: str, module: str) -> None:
    """``concernshare.<name>`` is the very object its defining module holds."""
    assert getattr(concernshare, name) is getattr(importlib.import_module(module), name)


def test_from_import_works() -> None:
    """``from concernshare import validate`` gives the same function as the validation module."""
    from concernshare import validate  # noqa: PLC0415  (the import form is what is tested)
    from concernshare.validation import validate as defined  # noqa: PLC0415

    assert validate is defined


def test_all_names_the_everyday_api_and_the_versions() -> None:
    """``__all__`` lists every re-exported name and the two versions, and each resolves."""
    assert set(concernshare.__all__) == {*EVERYDAY, "FORMAT_VERSION", "__version__"}
    for name in concernshare.__all__:
        assert getattr(concernshare, name) is not None


def test_dir_lists_the_lazy_names() -> None:
    """``dir(concernshare)`` shows the everyday API before any of it is loaded."""
    assert set(EVERYDAY) <= set(dir(concernshare))


def test_an_unknown_name_is_an_attribute_error() -> None:
    """A name the package does not have raises AttributeError naming it, as a module without ``__getattr__`` does."""
    with pytest.raises(AttributeError, match="has no attribute 'open'"):
        _ = concernshare.open  # type: ignore[attr-defined]
    assert not hasattr(concernshare, "helpers")


def test_format_version_is_the_one_from_below_the_layers() -> None:
    """The root's ``FORMAT_VERSION`` is the value the modules import from ``concernshare._format``."""
    assert concernshare.FORMAT_VERSION == _format.FORMAT_VERSION


def test_the_docstring_notes_when_the_names_came() -> None:
    """The root docstring has a ``versionadded`` note naming every re-exported function."""
    doc = concernshare.__doc__ or ""
    note = doc.split(".. versionadded::", 1)[1]
    for name in EVERYDAY:
        assert f"``{name}``" in note


def test_import_concernshare_loads_nothing_heavy() -> None:
    """A bare ``import concernshare`` loads only the package and its version module: no record, schema or crypto."""
    assert _loaded_after("import concernshare") == ["concernshare", "concernshare._format"]


def test_one_name_loads_only_its_own_layers() -> None:
    """Asking for ``validate`` loads validation and what it needs, not sealing, the exchange or routing."""
    loaded = _loaded_after("import concernshare\nconcernshare.validate")
    assert "concernshare.validation" in loaded
    for upper in ("concernshare.sealing", "concernshare.exchange", "concernshare.routing", "cryptography"):
        assert upper not in loaded
