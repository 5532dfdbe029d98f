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

import ast
import enum
import importlib
import inspect
import pkgutil
import re
import sys
from collections.abc import Iterator
from functools import cache
from types import ModuleType
from typing import Any, ClassVar, Final

import attrs
from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import PycodeError
from sphinx.pycode import ModuleAnalyzer
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
    """For each public module, the public names documented there (in ``__all__`` order).

    A name counts as exported by a module only if the module holds it (a lazy
    ``__getattr__`` export is documented where the object is defined). A class
    or function is documented at the shortest such path; a constant where its
    ``#:`` comment or docstring is, since autodoc finds it only there.
    """
    candidates: dict[tuple[str, int], list[str]] = {}
    modules = {name: importlib.import_module(name) for name in public_modules()}
    for name, module in modules.items():
        for member in _exports(module):
            if member in vars(module):
                candidates.setdefault((member, id(vars(module)[member])), []).append(name)
    chosen: dict[str, list[str]] = {name: [] for name in modules}
    for name, module in modules.items():
        for member in _exports(module):
            if member not in vars(module):
                continue
            value = vars(module)[member]
            places = candidates[(member, id(value))]
            if not (inspect.isclass(value) or inspect.isroutine(value)):
                places = [place for place in places if _has_attribute_doc(place, member)] or places
            best = min(places, key=lambda place: (place.count("."), place))
            if best == name:
                chosen[name].append(member)
    return chosen


def _has_attribute_doc(module_name: str, member: str) -> bool:
    try:
        analyzer = ModuleAnalyzer.for_module(module_name)
        return ("", member) in analyzer.find_attr_docs()
    except PycodeError:
        return False


@cache
def _canonical() -> dict[tuple[str, int], str]:
    """(name, id of the object) -> the dotted path it is documented at."""
    found: dict[tuple[str, int], str] = {}
    for module_name, members in owners().items():
        module = importlib.import_module(module_name)
        for member in members:
            found[(member, id(getattr(module, member)))] = f"{module_name}.{member}"
    return found


@cache
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


def _documented_path(target: str) -> str | None:
    """Where the object that ``target`` names is documented (a method or attribute: under its class)."""
    value = _import(target)
    head, _, attribute = target.rpartition(".")
    if value is not None and (found := _canonical().get((attribute, id(value)))) is not None:
        return found
    owner = _import(head) if head else None
    owner_path = _canonical().get((head.rpartition(".")[2], id(owner))) if owner is not None else None
    return f"{owner_path}.{attribute}" if owner_path is not None else None


def resolve_alias(app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.Element) -> nodes.Node | None:
    """Resolve a reference to a concernshare object written with any path that reaches it.

    ``concernshare.records.envelope.Message`` (a type hint), ``Message`` in a
    docstring of ``concernshare.records.envelope`` and ``concernshare.records.Message``
    all lead to the one entry, ``concernshare.records.Message``.
    """
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "").removeprefix("~").removeprefix(".")
    module, cls = node.get("py:module"), node.get("py:class")
    candidates = [target]
    if module and not target.startswith(f"{ROOT}."):
        # The docstring's own module: where the class in context is defined, then the page's module.
        defined_in = getattr(_import(f"{module}.{cls}"), "__module__", None) if cls else None
        candidates += [f"{defined_in}.{target}"] if defined_in else []
        candidates.append(f"{module}.{target}")
        # A docstring re-exported from a sub-module names its neighbours there.
        candidates += [
            f"{name}.{target}" for name in public_modules() if name.startswith(f"{module}.") and "." not in target
        ]
    domain = env.domains.python_domain
    for candidate in candidates:
        if not candidate.startswith(f"{ROOT}."):
            continue
        documented = _documented_path(candidate)
        found = domain.objects.get(documented) if documented else None
        if found is not None and documented is not None:
            return make_refnode(app.builder, node["refdoc"], found.docname, found.node_id, contnode, documented)
    return None


@cache
def _namespace(module_name: str) -> dict[str, Any]:
    """The module's globals, with the names it imports only under ``if TYPE_CHECKING:`` added."""
    module = sys.modules[module_name]
    namespace = dict(vars(module))
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError, SyntaxError):
        return namespace
    for statement in tree.body:
        test = statement.test if isinstance(statement, ast.If) else None
        if ast.unparse(test or ast.Constant(None)) not in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}:
            continue
        for inner in statement.body:  # type: ignore[attr-defined]
            if isinstance(inner, ast.Import | ast.ImportFrom):
                try:
                    exec(compile(ast.Module([inner], []), module.__file__ or "", "exec"), namespace)  # noqa: S102
                except ImportError:
                    continue
    return namespace


def _evaluate(annotation: Any, namespace: dict[str, Any]) -> Any:
    if not isinstance(annotation, str):
        return annotation
    try:
        return eval(annotation, namespace)  # noqa: S307  (annotations from the package's own source)
    except (NameError, AttributeError, TypeError, SyntaxError):
        return annotation


def resolve_annotations(app: Sphinx, obj: Any, bound_method: bool) -> None:
    """Give autodoc real types for string annotations that it cannot evaluate itself.

    ``from __future__ import annotations`` leaves annotations as strings, which
    autodoc evaluates in the function's globals. The ``__init__`` that attrs
    generates has no useful globals, and names imported only for type checking
    are not in any, so ``dt.datetime`` would stay a string. Each annotation is
    evaluated here in the namespace of the module that defines the function,
    with its type-checking imports added; one that still fails is left as it is.
    """
    del app, bound_method
    while obj is not None:
        module_name = getattr(obj, "__module__", "") or ""
        if module_name.startswith(f"{ROOT}.") and module_name in sys.modules and inspect.isfunction(obj):
            namespace = _namespace(module_name)
            obj.__annotations__ = {name: _evaluate(value, namespace) for name, value in obj.__annotations__.items()}
            signature = getattr(obj, "__signature__", None)
            if isinstance(signature, inspect.Signature):  # set by decorators such as hypothesis's composite
                obj.__signature__ = signature.replace(
                    parameters=[
                        p.replace(annotation=_evaluate(p.annotation, namespace)) for p in signature.parameters.values()
                    ],
                    return_annotation=_evaluate(signature.return_annotation, namespace),
                )
        obj = getattr(obj, "__wrapped__", None)


_LITERAL: Final = re.compile(r"``[^`]+``")


def fix_literals(  # noqa: PLR0917  (the signature of the autodoc-process-docstring event)
    app: Sphinx,
    what: str,
    name: str,
    obj: Any,
    options: Any,
    lines: list[str],
) -> None:
    """Let an inline literal run straight into a word, as a few docstrings in the source do.

    reStructuredText wants whitespace or punctuation after an inline literal;
    an escaped space gives it without changing the text.
    """
    del app, what, name, obj, options

    def fixed(line: str) -> str:
        parts, position = [], 0
        for match in _LITERAL.finditer(line):
            parts.append(line[position : match.end()])
            position = match.end()
            if line[position : position + 1].isalnum():
                parts.append("\\ ")
        return "".join(parts) + line[position:]

    lines[:] = [fixed(line) for line in lines]


def describe_records(  # noqa: PLR0917  (the signature of the autodoc-process-docstring event)
    app: Sphinx,
    what: str,
    name: str,
    obj: Any,
    options: Any,
    lines: list[str],
) -> None:
    """Append each attrs record's fields (with the descriptions the schema is made from) and each code list's values."""
    del app, name, options
    if what not in {"class", "exception"} or not isinstance(obj, type):
        return
    if attrs.has(obj):
        described = [f for f in attrs.fields(obj) if f.metadata.get("concernshare", {}).get("description")]
        if described:
            lines += ["", "Fields (their JSON members have the same names):", ""]
            for item in described:
                text = " ".join(item.metadata["concernshare"]["description"].split())
                lines.append(f"- ``{item.name}``: {text}")
            lines.append("")
    elif issubclass(obj, enum.Enum) and obj.__module__.startswith(f"{ROOT}."):
        lines += ["", "Values: " + ", ".join(f"``{member.value}``" for member in obj), ""]


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
        """The modules named, in the order named, each followed by its public sub-modules."""
        done: set[str] = set()
        for wanted in self.arguments:
            for name in public_modules():
                below = "only" not in self.options and name.startswith(f"{wanted}.")
                if (name == wanted or below) and name not in done:
                    done.add(name)
                    yield name

    def run(self) -> list[nodes.Node]:
        """A section per module, holding the autodoc directives for what it owns, parsed as reStructuredText."""
        found: list[nodes.Node] = []
        for name in self._selected():
            members = owners()[name]
            module = importlib.import_module(name)
            if name in _rendered(self.env) and _rendered(self.env)[name] != self.env.docname:
                LOGGER.warning("api-modules: %s is rendered on two pages", name, location=self.get_location())
            _rendered(self.env)[name] = self.env.docname
            if not members and name != ROOT and not module.__doc__:
                continue
            lines = [f".. automodule:: {name}"]
            lines += [f"   :members: {', '.join(members)}"] if members else ["   :no-members:"]
            part = nodes.section(ids=[f"api-{name}"], names=[f"api-{name}"])
            part += nodes.title("", "", nodes.literal(name, name))
            self.state.document.note_explicit_target(part)
            self.state.nested_parse(StringList(lines, source=self.get_source_info()[0]), self.content_offset, part)
            found.append(part)
        return found


def _check(app: Sphinx, env: BuildEnvironment) -> None:
    del app
    for name in public_modules():
        if name not in _rendered(env):
            LOGGER.warning("the public module %s is documented on no page: add it to an api-modules directive", name)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    """Take in what a parallel reader found in the documents it read."""
    del app
    for name, where in _rendered(other).items():
        if where in docnames:
            _rendered(env)[name] = where


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    del app
    for name, where in list(_rendered(env).items()):
        if where == docname:
            del _rendered(env)[name]


def setup(app: Sphinx) -> None:
    """Register the directive, the alias resolver and the completeness check."""
    app.add_directive("api-modules", ApiModules)
    app.connect("missing-reference", resolve_alias)
    app.connect("autodoc-before-process-signature", resolve_annotations)
    app.connect("autodoc-process-docstring", fix_literals)
    app.connect("autodoc-process-docstring", describe_records)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-check-consistency", _check)
