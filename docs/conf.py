"""Sphinx configuration of the concernshare docs site.

Build with ``sphinx-build -n -W -b html docs docs/_build/html``: nitpicky,
warnings are errors, and nothing is fetched from the network (no intersphinx).
The reference pages are generated from the code by the local extension in
``_ext/concernshare_docs``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import concernshare

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

project = "concernshare"
author = "the concernshare authors"
copyright = "the concernshare authors; Apache-2.0"
release = concernshare.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "concernshare_docs",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
templates_path: list[str] = []

myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
myst_heading_anchors = 3

nitpicky = True
# Types from outside concernshare that signatures and docstrings name. There is
# no intersphinx (the build stays offline), so these cannot be linked: they are
# shown as plain names instead of warned about. Keep the list short.
nitpick_ignore_regex = [
    # The standard library's types (datetime, uuid, pathlib, collections.abc ...).
    (r"py:.*", r"(datetime|uuid|pathlib|collections\.abc|contextlib|os|argparse|enum|types|typing|zoneinfo|io)\..+"),
    # The libraries concernshare builds on, where they appear in public signatures and docstrings.
    (r"py:.*", r"(attrs|cattrs|jsonschema|referencing|hypothesis|psycopg|_pytest|pytest|mesh_client|starlette|httpx2|nats)\..+"),
    # Type variables of generic functions (codec.structure, the hypothesis strategies).
    (r"py:class", r"concernshare\.[a-z_.]+\.T"),
    # Private modules, and their types, that public signatures and docstrings name (a file signer's key,
    # concernshare.crypto._primitives.PrivateKey), and an unexported type (concernshare.exchange.SealedView).
    (r"py:.*", r"concernshare(\.[a-z_]+)*\._[a-z_]+(\.[A-Za-z_]+)*|concernshare\.exchange\.SealedView"),
]

# Examples for fields that neither the schema nor the example documents show, keyed by "definition.field".
# Every field has one now; the build warns when an entry here becomes unnecessary.
concernshare_schema_examples: dict[str, dict[str, str]] = {}

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_typehints_format = "short"
autodoc_class_signature = "mixed"

html_theme = "furo"
html_title = f"concernshare {release}"
html_static_path: list[str] = []
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    "navigation_with_keys": True,
}
