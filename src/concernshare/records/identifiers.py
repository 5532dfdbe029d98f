"""Checks of identifiers with check digits, and of local-authority codes against the shipped list.

The check-digit arithmetic is python-stdnum's. Its list of DfE local-authority
numbers dates from 2011, so a UPN whose number it does not know is checked
against the shipped list of councils (current and former) instead. It is
imported when a number is first checked, not with the records: the checks work
out the usual NHS number themselves, and python-stdnum brings ``ssl`` with it.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
from typing import Any, Final

import attrs

__all__ = ["Council", "CouncilList", "councils", "nhs_number_ok", "upn_problem"]

_COUNCILS: Final = "councils.json"


@attrs.frozen(kw_only=True)
class Council:
    """A council with children's services: its ONS GSS code, DfE LA number (England's only) and nation."""

    gss: str
    dfe: str | None
    name: str
    ceased: str | None = None
    nation: str = "england"


@attrs.frozen(kw_only=True)
class CouncilList:
    """The versioned, dated list of councils with children's services shipped with the package."""

    version: str
    current: dict[str, Council]
    former: dict[str, Council]

    @property
    def dfe_numbers(self) -> frozenset[str]:
        """Every DfE LA number, current or former (old UPNs carry former ones)."""
        return frozenset(c.dfe for c in (*self.current.values(), *self.former.values()) if c.dfe)


@functools.cache
def councils() -> CouncilList:
    """Return the shipped list of councils with children's services."""
    text = importlib.resources.files("concernshare").joinpath("data", _COUNCILS)
    data: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))

    def council(row: dict[str, Any]) -> Council:
        return Council(
            gss=row["gss"],
            dfe=row["dfe"],
            name=row["name"],
            ceased=row.get("ceased"),
            nation=row.get("nation", "england"),
        )

    return CouncilList(
        version=data["version"],
        current={row["gss"]: council(row) for row in data["councils"]},
        former={row["gss"]: council(row) for row in data["former"]},
    )


def nhs_number_ok(number: str) -> bool:
    """True if ``number`` is ten digits whose modulus-11 check digit is right."""
    from stdnum.gb import nhs  # noqa: PLC0415  (see the module's docstring)

    return len(number) == 10 and nhs.is_valid(number)


def upn_problem(number: str) -> str | None:
    """Say what is wrong with a UPN in canonical form, or return None if it is right."""
    from stdnum import exceptions as stdnum_errors  # noqa: PLC0415  (see the module's docstring)
    from stdnum.gb import upn  # noqa: PLC0415  (as above)

    try:
        upn.validate(number)
    except stdnum_errors.InvalidComponent:
        if number[1:4] not in councils().dfe_numbers:
            return "its local-authority number is not a DfE LA number"
        if upn.calc_check_digit(number[1:]) != number[0]:
            return "its check letter is wrong"
    except stdnum_errors.ValidationError:
        return "its check letter is wrong" if len(number) == 13 else "it is not 13 characters"
    return None
