"""Tests for the pytest plugin: its fixtures and assertion in a fresh project, and what it costs one that ignores it."""

from __future__ import annotations

import importlib.metadata
import re
import sys
from pathlib import Path
from typing import Any

import pytest

# pytester's in-process runs drop the modules they import when they end; imported here first, concernshare's
# modules stay whole for the tests that run after them.
import concernshare.sealing
import concernshare.testing.strategies
import concernshare.testing.world  # noqa: F401
from concernshare.testing.assertions import assert_valid_message
from concernshare.testing.pytest_plugin import NOW, _example

pytest_plugins = ["pytester"]

DOCS = Path(__file__).parent.parent / "docs" / "pytest-plugin.md"

# Once the installed package declares the pytest11 entry point, pytest loads the plugin by itself (and naming its
# module with -p as well would register it twice); until then, the runs below load it by its module.
_INSTALLED = any(point.name == "concernshare" for point in importlib.metadata.entry_points(group="pytest11"))
PLUGIN: tuple[str, ...] = () if _INSTALLED else ("-p", "concernshare.testing.pytest_plugin")

#: Modules a run that does not use the plugin must not import: each is slow to import or optional.
HEAVY = (
    "hypothesis",
    "cryptography",
    "jsonschema",
    "referencing",
    "cattrs",
    "concernshare.validation",
    "concernshare.crypto",
    "concernshare.testing.world",
    "concernshare.testing.strategies",
)

PROJECT = """
import json

import attrs

from concernshare.records import Status
from concernshare.sealing import OpenPolicy, open_sealed, seal
from concernshare.stores import MemoryStore
from concernshare.testing.assertions import assert_valid_message
from concernshare.validation import validate

WORLDS = []


def test_the_agencies(concernshare_agencies):
    assert concernshare_agencies.mash == "la:E06000032/mash"
    assert len(set(concernshare_agencies)) == 6


def test_a_sealed_concern_opens_at_the_mash(concernshare_world, concernshare_agencies, concernshare_message):
    world, hv, mash = concernshare_world, concernshare_agencies.health_visiting, concernshare_agencies.mash
    WORLDS.append(world)
    assert sorted(world.agencies) == sorted(concernshare_agencies)
    message = validate(json.dumps(concernshare_message()))
    sealed = seal(message, world[hv].signer, directory=world.directory, now=world.now)
    opened = open_sealed(sealed, world[mash].decrypters, me=mash, directory=world.directory, store=MemoryStore(),
                         now=world.now, policy=OpenPolicy(accept_status=frozenset({Status.TEST})))
    assert opened.sender == hv
    assert attrs.evolve(opened.message, sent=None) == message


def test_the_world_is_made_once(concernshare_world):
    assert WORLDS == [concernshare_world]


def test_every_form_of_the_example_message_is_valid(concernshare_message, concernshare_world):
    message = concernshare_message()
    for payload in (message, json.dumps(message), json.dumps(message).encode()):
        assert_valid_message(payload, strict=True, now=concernshare_world.now)


def test_changes_replace_members_and_ids_differ(concernshare_message):
    first, second = concernshare_message(), concernshare_message(recipients=["la:E06000032/childrens-social-care"])
    assert first["id"] != second["id"]
    assert second["recipients"] == ["la:E06000032/childrens-social-care"]
    print("IDS", first["id"], second["id"])
"""


def _ids(result: pytest.RunResult) -> list[str]:
    return re.findall(r"IDS (\S+) (\S+)", result.stdout.str())


def test_a_project_uses_the_fixtures_and_the_assertion(pytester: pytest.Pytester) -> None:
    """A fresh project seals and opens the example message between the world's agencies, and all its tests pass."""
    pytester.makepyfile(test_project=PROJECT)
    result = pytester.runpytest(*PLUGIN, "-s")
    result.assert_outcomes(passed=5)


def test_the_example_message_ids_are_the_same_on_every_run(pytester: pytest.Pytester) -> None:
    """Two runs of the same test draw the same ids, so a failure can be reproduced."""
    pytester.makepyfile(test_project=PROJECT)
    first = _ids(pytester.runpytest(*PLUGIN, "-s", "-k", "ids_differ"))
    second = _ids(pytester.runpytest(*PLUGIN, "-s", "-k", "ids_differ"))
    assert len(first) == 1
    assert first == second


def test_the_docs_examples_pass(pytester: pytest.Pytester) -> None:
    """Every Python example of the plugin's docs page, run as a test module of a fresh project, passes."""
    blocks = re.findall(r"^```python\n(.*?)^```$", DOCS.read_text(encoding="utf-8"), flags=re.DOTALL | re.MULTILINE)
    assert len(blocks) == 2
    pytester.makepyfile(**{f"test_docs_{number}": block for number, block in enumerate(blocks)})
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=5)


def test_a_failing_assertion_lists_every_problem(pytester: pytest.Pytester) -> None:
    """The failure shows each problem's pointer, code and message on a line, and neither the value nor the payload."""
    pytester.makepyfile(
        test_broken="""
        from concernshare.testing.assertions import assert_valid_message

        def broken(message):
            message["recipients"] = []
            del message["sharing_decision"]
            message["body"]["risk_level"] = "Robin" + " told" + " her" + " aunt"
            return message

        def test_broken(concernshare_message):
            assert_valid_message(broken(concernshare_message()))
    """
    )
    result = pytester.runpytest(*PLUGIN, "--showlocals")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E * AssertionError: the message is not valid: 3 errors",
            "E *   /recipients: [[]CS020[]] must have at least 1 item",
            "E *   /sharing_decision: [[]CS010[]] this required member is missing; add it",
            "E *   /body/risk_level: [[]CS017[]] must be one of: *",
        ]
    )
    assert "Robin told her aunt" not in result.stdout.str()
    assert "payload" not in result.stdout.str()  # the assertion's frame and its locals are hidden


def test_warnings_fail_only_when_strict() -> None:
    """A message whose only problem is a warning passes, and fails with strict=True, the warning marked as such."""
    message = _example("6f1c1a4e-3b9d-4c55-9a77-0d2f3e4b5c6d")
    message["recipients"].append(message["sender"]["agency"])
    assert_valid_message(message)
    with pytest.raises(AssertionError) as failure:
        assert_valid_message(message, strict=True)
    assert str(failure.value).splitlines() == [
        "the message is not valid (strict): 1 warning",
        "  /recipients/1: [CS113] warning: the sender is among the recipients",
    ]


def test_now_turns_on_the_clock_checks() -> None:
    """A message created after ``now`` fails only when ``now`` is given."""
    message = _example("6f1c1a4e-3b9d-4c55-9a77-0d2f3e4b5c6d")
    earlier = NOW.replace(year=2025)
    assert_valid_message(message)
    with pytest.raises(AssertionError, match=r"/created: \[CS104\]"):
        assert_valid_message(message, now=earlier)


@pytest.mark.parametrize("payload", [b'{"id": 1,}', '{"id": 1,}'], ids=["bytes", "text"])
def test_bytes_and_text_are_parsed_strictly(payload: bytes | str) -> None:
    """JSON that is not well formed fails with the parser's code at the whole document."""
    with pytest.raises(AssertionError, match=r"^the message is not valid: 1 error\n  /: \[CS001\] "):
        assert_valid_message(payload)


@pytest.mark.parametrize("payload", [None, ["a", "list"], 42])
def test_other_payloads_are_a_type_error(payload: Any) -> None:
    """Anything but bytes, text or a dict is a mistake in the test, not an invalid message."""
    with pytest.raises(TypeError, match="JSON bytes, JSON text or a dict"):
        assert_valid_message(payload)


def test_a_project_that_ignores_the_plugin_is_unaffected(pytester: pytest.Pytester) -> None:
    """In a fresh interpreter, the plugin loads and imports nothing heavy, and the run has no error or warning."""
    pytester.makepyfile(
        test_plain=f"""
        import sys

        def test_plain(request):
            modules = [getattr(plugin, "__name__", "") for plugin in request.config.pluginmanager.get_plugins()]
            assert "concernshare.testing.pytest_plugin" in modules
            assert [name for name in {HEAVY!r} if name in sys.modules] == []
    """
    )
    result = pytester.runpytest_subprocess(*PLUGIN, "-W", "error")
    result.assert_outcomes(passed=1, warnings=0)
    assert result.ret == pytest.ExitCode.OK
    assert result.errlines == []


def test_without_hypothesis_only_the_strategies_fixture_fails(pytester: pytest.Pytester) -> None:
    """With hypothesis missing, the other fixtures and the assertion work, and the strategies fixture says why not."""
    pytester.makeconftest("""
        import sys

        sys.modules["hypothesis"] = None  # what an environment without hypothesis shows an import
    """)
    pytester.makepyfile(
        test_no_hypothesis="""
        from concernshare.testing.assertions import assert_valid_message

        def test_the_rest_works(concernshare_world, concernshare_message):
            assert_valid_message(concernshare_message(), now=concernshare_world.now)

        def test_the_strategies(concernshare_strategies):
            pass
    """
    )
    result = pytester.runpytest_subprocess(*PLUGIN, "-p", "no:hypothesispytest")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["the concernshare_strategies fixture needs hypothesis: pip install hypothesis"])


def test_importing_the_plugin_imports_only_what_it_must(pytester: pytest.Pytester) -> None:
    """Beside pytest, importing the plugin loads concernshare's top package and its light testing modules only."""
    code = (
        "import sys, pytest; before = set(sys.modules); import concernshare.testing.pytest_plugin; "
        "print(*sorted(set(sys.modules) - before))"
    )
    result = pytester.run(sys.executable, "-c", code)
    assert result.ret == 0
    loaded = set(result.outlines[-1].split())
    assert loaded <= {
        "concernshare",
        "concernshare._format",
        "concernshare.testing",
        "concernshare.testing.assertions",
        "concernshare.testing.pytest_plugin",
    }


def test_the_plugin_is_registered_through_its_entry_point(pytester: pytest.Pytester) -> None:
    """The installed package declares the plugin as ``concernshare`` in ``pytest11``, and pytest loads it so."""
    plugin = pytester.parseconfig().pluginmanager.get_plugin("concernshare")
    assert getattr(plugin, "__name__", None) == "concernshare.testing.pytest_plugin"
