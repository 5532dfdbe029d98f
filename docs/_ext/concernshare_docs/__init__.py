"""Sphinx extensions of the concernshare docs site: every reference page is generated from the code.

- ``schema-reference``: one bundled JSON Schema, every definition and field (:mod:`.schema`), with
  examples from the project's example documents (:mod:`.examples`);
- ``problem-code`` and ``problem-codes-index``: the problem codes, meanings taken from the code
  tables, fixes written in the page; the build fails if a code in the code is not documented
  (:mod:`.problems`);
- ``cli-reference``: every command of ``concernshare.cli.build_parser()`` (:mod:`.cli`);
- ``api-modules``: autodoc for every public module under a package, each object once
  (:mod:`.api`);
- small tables taken from the code: timescales, views, JOSE types and limits, patterns
  (:mod:`.facts`).

Nothing here reaches the network.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from concernshare_docs import api, cli, facts, problems, schema

__all__ = ["setup"]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register every directive and check of the docs site."""
    for module in (schema, problems, cli, api, facts):
        module.setup(app)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
