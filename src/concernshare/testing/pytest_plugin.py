"""The concernshare pytest plugin: throwaway agencies with keys, an example message, the strategies.

pytest loads it through the ``pytest11`` entry point in every test run of a
project that installs concernshare, whether the project uses it or not. So
importing it imports only the standard library and pytest, and it adds no
hook: the fixtures import concernshare's cryptography, validation and
hypothesis parts when a test first asks for them.

The fixtures, each named with a ``concernshare_`` prefix:

``concernshare_agencies``
    The ids of six throwaway agencies by role (:class:`Agencies`).
``concernshare_world``
    A :class:`~concernshare.testing.world.World`: those agencies with fresh
    keys, and a directory naming them signed by a fresh authority, as at
    :data:`NOW`. Made once per session.
``concernshare_message``
    A factory of valid example messages (dicts) about invented people.
``concernshare_strategies``
    The module :mod:`concernshare.testing.strategies` (needs hypothesis).

Nothing here is fit for real use: every key is generated for the test
session and every person is invented.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, NamedTuple

import pytest

from concernshare import FORMAT_VERSION

if TYPE_CHECKING:
    from types import ModuleType

    from concernshare.testing.world import World

# The fixtures are not exported: pytest finds them in the plugin, and importing one would register it twice.
__all__ = ["AGENCIES", "NOW", "Agencies", "MessageFactory"]

#: The moment the throwaway world is made at: Wednesday 25 November 2026, 09:00 UTC, a working day in England.
#: The directory is issued then and expires 90 days later; the agencies' keys are valid from a year before.
#: Example messages are created ten minutes before it, so a test can seal one at ``NOW``.
NOW: Final = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)

#: What a ``concernshare_message`` factory is: keyword arguments replace top-level members.
MessageFactory = Callable[..., dict[str, Any]]


class Agencies(NamedTuple):
    """The throwaway agencies' ids; each field is named after the role the agency receives messages in."""

    health_visiting: str
    mash: str
    childrens_social_care: str
    gp: str
    school: str
    police: str


#: The agencies of the throwaway world (fictional ODS codes, school URN and police force).
AGENCIES: Final = Agencies(
    health_visiting="ods:Y99HV/health-visiting",
    mash="la:E06000032/mash",
    childrens_social_care="la:E06000032/childrens-social-care",
    gp="ods:Y99GP",
    school="school:999101",
    police="police:99",
)


def _example(message_id: str) -> dict[str, Any]:
    """A valid concern from health visiting to the MASH about an invented child, as a fresh dict."""
    practitioner = {"name": "Alex Invented", "role": "Health visitor"}
    return {
        "format_version": FORMAT_VERSION,
        "id": message_id,
        "type": "concern",
        "created": _stamp(NOW - dt.timedelta(minutes=10)),
        "status": "test",
        "sender": {"agency": AGENCIES.health_visiting, "practitioner": practitioner},
        "recipients": [AGENCIES.mash],
        "subject": {
            "name": {"given": "Robin", "family": "Example"},
            "birth_date": "2024-03-04",
            "identifiers": {"nhs_number": "9990000018"},
        },
        "lawful_basis": {
            "conditions": ["uk_gdpr_6_1_e", "uk_gdpr_9_2_g_dpa_sch1_18"],
            "confidentiality": "overriding_public_interest",
            "consent": "not_sought",
            "consent_not_sought_reason": "would_prejudice",
            "without_consent_ground": "para_18_2_c_would_prejudice_the_protection",
            "shared_without_consent_by": dict(practitioner),
        },
        "sharing_decision": {
            "decided_by": dict(practitioner),
            "decided_at": _stamp(NOW - dt.timedelta(minutes=30)),
            "necessary_and_proportionate": "The child may be suffering neglect.",
        },
        "body": {
            "referral_requested": True,
            "concern_types": ["neglect"],
            "in_referrers_words": "Robin is losing weight.",
            "risk_level": "medium",
            "immediate_danger": False,
            "child_safe_now": "yes",
            "summary": "Weight falling for three months.",
            "childs_voice": "Too young to say.",
            "parents_aware": True,
            "actions_taken": "Weighed Robin.",
            "feedback_wanted": True,
            "observations": [
                {
                    "observed": (NOW - dt.timedelta(days=1)).date().isoformat(),
                    "observed_by": "Health visitor",
                    "child_seen": True,
                    "source": "seen",
                    "description": "Robin was thin and quiet.",
                }
            ],
        },
    }


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture(scope="session")
def concernshare_agencies() -> Agencies:
    """The ids of the throwaway agencies, by role: ``concernshare_agencies.mash`` and so on."""
    return AGENCIES


@pytest.fixture(scope="session")
def concernshare_world() -> World:
    """The throwaway agencies with fresh keys, and a directory naming them signed by a fresh authority.

    Made once per test session as at :data:`NOW` (``concernshare_world.now``);
    index it by agency id for an agency's signer and decrypters.
    """
    from concernshare.testing.world import make_world  # noqa: PLC0415  (imported on use: see the module)

    roles = {agency: [role] for role, agency in AGENCIES._asdict().items()}
    return make_world(roles, now=NOW, directory_id="concernshare-pytest")


@pytest.fixture
def concernshare_message(request: pytest.FixtureRequest) -> MessageFactory:
    """A factory of valid example messages: ``concernshare_message(**changes)`` returns a fresh dict.

    Each message is a ``concern`` from health visiting to the MASH about an
    invented child (NHS number from the 999 range, never issued), with
    ``status`` ``"test"``, created ten minutes before :data:`NOW`; it passes
    the validation without a warning. Keyword arguments replace top-level
    members. Each call gives a new ``id``, the same in every run of the test.
    """
    counter = itertools.count(1)

    def make(**changes: Any) -> dict[str, Any]:
        name = f"urn:concernshare-pytest:{request.node.nodeid}#{next(counter)}"
        message = _example(str(uuid.uuid5(uuid.NAMESPACE_URL, name)))
        message.update(changes)
        return message

    return make


@pytest.fixture(scope="session")
def concernshare_strategies() -> ModuleType:
    """The hypothesis strategies, :mod:`concernshare.testing.strategies`, to draw from with ``st.data()``.

    In a ``@given`` decorator, import the module instead:
    ``from concernshare.testing import strategies``.
    """
    try:
        from concernshare.testing import strategies  # noqa: PLC0415  (hypothesis is optional)
    except ModuleNotFoundError as error:
        if error.name != "hypothesis":
            raise
        pytest.fail("the concernshare_strategies fixture needs hypothesis: pip install hypothesis", pytrace=False)
    return strategies
