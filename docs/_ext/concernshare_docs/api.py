"""``api-modules``: autodoc for every public module under a package, each public object documented once.

A public object is often exported by more than one module (``Message`` by
``concernshare.records`` and by ``concernshare.records.envelope``). It is
documented at the shortest public path that lists it in ``__all__``, so that
there is one entry to link to; a cross-reference written with another path
(as type hints are, with the defining module) is resolved to that entry by
:func:`resolve_alias`. Every public module must be rendered by some page.

Use it inside an ``eval-rst`` block, since autodoc writes reStructuredText::

    .. api-modules:: concernshare.records
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from functools import cache
from types import ModuleType
from typing import Any, ClassVar, Final

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

__all__ = ["ApiModules", "owners", "public_modules", "resolve_alias", "setup"]

LOGGER: Final = logging.getLogger(__name__)
ROOT: Final = "concernshare"


@cache
def public_modules() -> tuple[str, ...]:
    """Every importable module of the package whose dotted path has no part starting with ``_``."""
    package = importlib.import_module(ROOT)
    found = [ROOT]
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{ROOT}."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            found.append(info.name)
    return tuple(sorted(found))


def _exports(module: ModuleType) -> list[str]:
    return list(getattr(module, "__all__", ()))


@cache
def owners() -> dict[str, list[str]]:
    """For each public module, the public names documented there (in ``__all__`` order)."""
    candidates: dict[tuple[str, int], list[str]] = {}
    modules = {name: importlib.import_module(name) for name in public_modules()}
    for name, module in modules.items():
        for member in _exports(module):
            value = getattr(module, member)
            candidates.setdefault((member, id(value)), []).append(name)
    chosen: dict[str, list[str]] = {name: [] for name in modules}
    for name, module in modules.items():
        for member in _exports(module):
            places = candidates[(member, id(getattr(module, member)))]
            best = min(places, key=lambda place: (place.count("."), place))
            if best == name:
                chosen[name].append(member)
    return chosen


@cache
def _canonical() -> dict[tuple[str, int], str]:
    """(name, id of the object) -> the dotted path it is documented at."""
    found: dict[tuple[str, int], str] = {}
    for module_name, members in owners().items():
        module = importlib.import_module(module_name)
        for member in members:
            found[(member, id(getattr(module, member)))] = f"{module_name}.{member}"
    return found


def _import(target: str) -> Any:
    """The object a dotted path names, or None."""
    parts = target.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for attribute in parts[split:]:
                value = getattr(value, attribute)
        except AttributeError:
            return None
        return value
    return None


def resolve_alias(app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.Element) -> nodes.Node | None:
    """Resolve ``concernshare.x.Y`` written with any path that exports ``Y`` to where ``Y`` is documented."""
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith(f"{ROOT}."):
        return None
    head, _, attribute = target.rpartition(".")
    value = _import(target)
    documented = _canonical().get((attribute, id(value))) if value is not None else None
    suffix = ""
    if documented is None:  # a method or attribute: resolve its class
        owner = _import(head)
        owner_path = _canonical().get((head.rpartition(".")[2], id(owner))) if owner is not None else None
        if owner_path is None:
            return None
        documented, suffix = owner_path, f".{attribute}"
    domain = env.domains.python_domain
    found = domain.objects.get(documented + suffix)
    if found is None or documented + suffix == target:
        return None
    return make_refnode(app.builder, node["refdoc"], found.docname, found.node_id, contnode, documented + suffix)


def _rendered(env: BuildEnvironment) -> dict[str, str]:
    if not hasattr(env, "concernshare_api"):
        env.concernshare_api = {}  # type: ignore[attr-defined]
    found: dict[str, str] = env.concernshare_api  # type: ignore[attr-defined]
    return found


class ApiModules(SphinxDirective):
    """Emit ``automodule`` for each public module at or below the packages named, with the members it owns.

    ``:only:`` renders the named modules without their sub-modules.
    """

    required_arguments = 1
    optional_arguments = 20
    option_spec: ClassVar[dict[str, Any]] = {"only": directives.flag}

    def _selected(self) -> Iterator[str]:
        for name in public_modules():
            for wanted in self.arguments:
                if name == wanted or ("only" not in self.options and name.startswith(f"{wanted}.")):
                    yield name
                    break

    def run(self) -> list[nodes.Node]:
        """Parse the generated autodoc directives as reStructuredText."""
        lines: list[str] = []
        for name in self._selected():
            members = owners()[name]
            module = importlib.import_module(name)
            if name in _rendered(self.env) and _rendered(self.env)[name] != self.env.docname:
                LOGGER.warning("api-modules: %s is rendered on two pages", name, location=self.get_location())
            _rendered(self.env)[name] = self.env.docname
            if not members and name != ROOT and not module.__doc__:
                continue
            lines += [f".. automodule:: {name}"]
            lines += [f"   :members: {', '.join(members)}"] if members else ["   :no-members:"]
            lines += [""]
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source=self.get_source_info()[0]), self.content_offset, container)
        return container.children


def _check(app: Sphinx, env: BuildEnvironment) -> None:
    del app
    for name in public_modules():
        if name not in _rendered(env):
            LOGGER.warning("the public module %s is documented on no page: add it to an api-modules directive", name)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    del app
    for name, where in list(_rendered(env).items()):
        if where == docname:
            del _rendered(env)[name]


def setup(app: Sphinx) -> None:
    """Register the directive, the alias resolver and the completeness check."""
    app.add_directive("api-modules", ApiModules)
    app.connect("missing-reference", resolve_alias)
    app.connect("env-purge-doc", _purge)
    app.connect("env-check-consistency", _check)
