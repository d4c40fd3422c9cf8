"""Comparing product versions, and whether a customer's version is hit by a defect.

Vendors' version strings are not all PEP 440 (``6.0.0-rc1``, ``4.2 LTS``, ``v4.3``), and the
domain imports no third-party code, so this is a small comparator rather than
``packaging.version``. It agrees with ``packaging`` on ordinary release numbers (a test checks):

- a version starts with a release number (``4``, ``4.2.1``; a leading ``v`` is allowed), so
  milestone titles like "Q3 sprint" are not versions;
- it is split into runs of digits and runs of letters (``4.2.1-rc2`` → 4, 2, 1, rc, 2);
- numbers compare as numbers, missing trailing numbers count as 0 (``4.2`` == ``4.2.0``);
- a letter run marks a pre-release (``rc``, ``beta``…) and sorts *before* the release it
  precedes (``4.2.1rc2`` < ``4.2.1``), ordered dev < alpha/a < beta/b < pre/preview < rc; other
  words (``lts``, ``final``, ``ga``) carry no order and are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from tierdesk.errors import InvalidInputError

# ASCII digits only: ``\d`` alone takes any script's (a full-width "４.２" read as 4.2).
_PARTS = re.compile(r"\d+|[a-z]+", re.ASCII)
_STARTS_AS_VERSION = re.compile(r"^v?\d", re.ASCII)
_PRE_RELEASE = {"dev": 0, "alpha": 1, "a": 1, "beta": 2, "b": 2, "pre": 3, "preview": 3, "rc": 4}
_RELEASE = 9  # a release sorts after all its pre-releases


@dataclass(frozen=True, order=True)
class VersionKey:
    numbers: tuple[int, ...]
    stage: int
    stage_number: int

    @classmethod
    def parse(cls, text: str) -> VersionKey:
        cleaned = text.strip().lower()
        if not _STARTS_AS_VERSION.match(cleaned):
            raise InvalidInputError(f"{text!r} is not a version number", field="version")
        parts = _PARTS.findall(cleaned.removeprefix("v"))
        numbers: list[int] = []
        stage, stage_number = _RELEASE, 0
        for index, part in enumerate(parts):
            if part.isdigit():
                numbers.append(int(part))
            elif part in _PRE_RELEASE:
                stage = _PRE_RELEASE[part]
                following = parts[index + 1 : index + 2]
                stage_number = int(following[0]) if following and following[0].isdigit() else 0
                break
        if not numbers:
            raise InvalidInputError(f"{text!r} is not a version number", field="version")
        while len(numbers) > 1 and numbers[-1] == 0:
            numbers.pop()  # 4.2.0 is 4.2
        return cls(tuple(numbers), stage, stage_number)


def compare_versions(left: str, right: str) -> int:
    """-1, 0 or 1 as ``left`` is older than, the same as, or newer than ``right``."""
    a, b = VersionKey.parse(left), VersionKey.parse(right)
    return (a > b) - (a < b)


def is_version(text: str | None) -> bool:
    if not text:
        return False
    try:
        VersionKey.parse(text)
    except InvalidInputError:
        return False
    return True


class Exposure(StrEnum):
    """What a customer's version means for a defect."""

    AFFECTED = "affected"  # runs a version with the defect; the fixing release helps
    NOT_AFFECTED = "not-affected"  # runs the fixing release or a later one
    UNKNOWN = "unknown"  # the desk does not know which version they run


def exposure(customer_version: str | None, fixed_in: str | None) -> Exposure:
    """Whether ``customer_version`` has the defect: every version before the fixing release is
    treated as affected. (The versions a reproduction names are where it was *seen*; an older
    one may well have it too, and wrongly telling a customer "not affected" costs more than a
    needless upgrade.)"""
    if not is_version(customer_version):
        return Exposure.UNKNOWN
    assert customer_version is not None
    if fixed_in and is_version(fixed_in) and compare_versions(customer_version, fixed_in) >= 0:
        return Exposure.NOT_AFFECTED
    return Exposure.AFFECTED
