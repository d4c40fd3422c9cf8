"""Versions and upgrades (issue 21 item 3): which customers run a version a known issue or a
defect affects, and upgrade advisories for a product version, tracked per organisation.

**Which versions a record affects** (``affects``). Versions compare as ``domain/versions.py``
says (numbers as numbers: ``5.2.1`` < ``5.10``; ``5.2`` == ``5.2.0``); a version the comparator
cannot read matches only the same text (case aside). A record affects only its own product's
items (a record without a product affects none: "5.2" of which product?). Then:

- a version the record lists as affected is affected;
- a defect fixed in release F also affects every version from the oldest one it lists up to,
  but not including, F (a fix in 5.4 after it was seen in 5.2.1 means 5.3 has it too); with no
  version listed, every version before F (as the fix notice on tickets tells customers);
- an open defect or a known issue affects only the versions it lists: the desk does not guess
  that a later release still has it.

**Who runs a version** (``running``): an organisation's *active* installed items of the product
whose version is the same (as above); replaced and retired items run nothing.

**An advisory's per-organisation state**: notified (the notice was queued to its contacts) →
acknowledged (a contact confirmed it in the portal, or an agent marked it) → upgraded (an agent
marked it, or the installed base shows none of its items on the version any more). Upgraded may
skip acknowledged; nothing goes back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from tierdesk.domain.customer_texts import customer_day, customer_language, customer_text
from tierdesk.domain.installed_base import InstalledItem
from tierdesk.domain.messages import require_text
from tierdesk.domain.versions import VersionKey, compare_versions, is_version
from tierdesk.errors import InvalidInputError, InvalidTransitionError


class AdvisoryReason(StrEnum):
    KNOWN_ISSUE = "known-issue"
    DEFECT = "defect"
    END_OF_SUPPORT = "end-of-support"


class NoticeState(StrEnum):
    NOTIFIED = "notified"
    ACKNOWLEDGED = "acknowledged"
    UPGRADED = "upgraded"


def same_version(left: str, right: str) -> bool:
    if is_version(left) and is_version(right):
        return compare_versions(left, right) == 0
    return left.strip().casefold() == right.strip().casefold()


def affects(
    version: str | None, affected_versions: Sequence[str], fixed_in: str | None = None
) -> bool:
    """Whether a record listing ``affected_versions`` (and fixed in ``fixed_in``, a defect's
    release) affects ``version``; the module docstring gives the rule."""
    if version is None or not version.strip():
        return False
    if any(same_version(version, listed) for listed in affected_versions):
        return True
    if not (fixed_in and is_version(fixed_in) and is_version(version)):
        return False
    if compare_versions(version, fixed_in) >= 0:
        return False
    listed = [v for v in affected_versions if is_version(v)]
    if not listed:
        return True
    oldest = min(listed, key=VersionKey.parse)
    return compare_versions(version, oldest) >= 0


def running(
    items: Iterable[InstalledItem], product_id: int, version: str
) -> dict[int, list[InstalledItem]]:
    """Each organisation's active items of ``product_id`` at ``version``, by organisation id."""
    found: dict[int, list[InstalledItem]] = {}
    for item in items:
        runs = item.active and item.product_id == product_id and item.version
        if runs and same_version(item.version or "", version):
            found.setdefault(item.organisation_id, []).append(item)
    return found


def affected_items(
    items: Iterable[InstalledItem],
    product_id: int | None,
    affected_versions: Sequence[str],
    fixed_in: str | None = None,
) -> dict[int, list[InstalledItem]]:
    """Each organisation's active items a record affects, by organisation id."""
    found: dict[int, list[InstalledItem]] = {}
    if product_id is None:
        return found
    for item in items:
        ours = item.active and item.product_id == product_id
        if ours and affects(item.version, affected_versions, fixed_in):
            found.setdefault(item.organisation_id, []).append(item)
    return found


@dataclass(eq=False)
class Advisory:
    """An upgrade advisory for ``version`` of a product, with why and what to upgrade to."""

    product_id: int
    version: str
    reason: AdvisoryReason
    message: str
    created_at: datetime
    created_by: str
    target_version: str | None = None
    known_issue_id: int | None = None
    defect_id: int | None = None
    end_of_support: date | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        self.version = require_text(self.version, "version", max_length=64)
        self.message = require_text(self.message, "message", max_length=20_000)
        try:
            self.reason = AdvisoryReason(self.reason)
        except ValueError:
            raise InvalidInputError(
                "reason is known-issue, defect or end-of-support", field="reason"
            ) from None
        if self.reason is AdvisoryReason.KNOWN_ISSUE and self.known_issue_id is None:
            raise InvalidInputError("name the known issue that affects it", field="record")
        if self.reason is AdvisoryReason.DEFECT and self.defect_id is None:
            raise InvalidInputError("name the defect that affects it", field="record")
        if self.reason is AdvisoryReason.END_OF_SUPPORT and self.end_of_support is None:
            raise InvalidInputError("give the day support ends", field="end_of_support")
        target = (self.target_version or "").strip() or None
        comparable = target is not None and is_version(target) and is_version(self.version)
        if comparable and compare_versions(target or "", self.version) <= 0:
            raise InvalidInputError(
                f"the target must be newer than {self.version}", field="target_version"
            )
        self.target_version = target

    @property
    def record_label(self) -> str | None:
        if self.known_issue_id is not None:
            return f"KI-{self.known_issue_id}"
        if self.defect_id is not None:
            return f"DEF-{self.defect_id}"
        return None


@dataclass(eq=False)
class AdvisoryOrganisation:
    """One organisation an advisory reached: how many of its items ran the version then, how
    many contacts the notice was queued to (in which language), and where it stands."""

    advisory_id: int
    organisation_id: int
    items: int
    contacts_notified: int
    language: str
    notified_at: datetime
    state: NoticeState = NoticeState.NOTIFIED
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    upgraded_at: datetime | None = None
    upgraded_by: str | None = None  # a name, or "installed base" when the desk saw it
    id: int | None = None

    def acknowledge(self, at: datetime, by: str) -> bool:
        """False when it was acknowledged (or upgraded) already: nothing changes."""
        if self.state is not NoticeState.NOTIFIED:
            return False
        self.state, self.acknowledged_at, self.acknowledged_by = NoticeState.ACKNOWLEDGED, at, by
        return True

    def mark_upgraded(self, at: datetime, by: str) -> bool:
        if self.state is NoticeState.UPGRADED:
            return False
        self.state, self.upgraded_at, self.upgraded_by = NoticeState.UPGRADED, at, by
        return True

    def move_to(self, state: NoticeState, at: datetime, by: str) -> bool:
        """The agent's buttons and the API: forward only."""
        state = NoticeState(state)
        if state is NoticeState.ACKNOWLEDGED:
            if self.state is NoticeState.UPGRADED:
                raise InvalidTransitionError("the organisation has upgraded already")
            return self.acknowledge(at, by)
        if state is NoticeState.UPGRADED:
            return self.mark_upgraded(at, by)
        if self.state is not NoticeState.NOTIFIED:
            raise InvalidTransitionError(f"an advisory cannot go back to {state}")
        return False


# An organisation whose contacts state no language is written to in its country's, when the
# desk has texts for it (Switzerland and Belgium are several languages: they take English).
_COUNTRY_LANGUAGES = {
    "DE": "de",
    "AT": "de",
    "IT": "it",
    "FR": "fr",
    "ES": "es",
    "MX": "es",
    "AR": "es",
    "GB": "en",
    "US": "en",
}


def organisation_language(contact_languages: Iterable[str | None], country: str | None) -> str:
    """The organisation's language: the one most of its contacts state (the first stated among
    equals), else its country's, else English."""
    stated = [customer_language(lang) for lang in contact_languages if lang]
    if stated:
        return Counter(stated).most_common(1)[0][0]
    return customer_language(_COUNTRY_LANGUAGES.get((country or "").strip().upper()))


@dataclass(frozen=True)
class NoticeFacts:
    """What a notice names besides the advisory (names the desk looks up)."""

    organisation: str
    product: str
    items: int
    record_title: str | None = None


def advisory_notice(advisory: Advisory, facts: NoticeFacts, language: str) -> tuple[str, str]:
    """The subject and body of an advisory's notice in ``language``: why, what to upgrade to,
    the lead's message as written, and how to confirm it."""
    values = {"product": facts.product, "version": advisory.version}
    subject = customer_text(language, "advisory.subject", **values)
    parts = [
        customer_text(
            language, "advisory.intro", organisation=facts.organisation, items=facts.items, **values
        )
    ]
    record_id = advisory.known_issue_id or advisory.defect_id
    if advisory.reason is AdvisoryReason.KNOWN_ISSUE:
        parts.append(
            customer_text(
                language, "advisory.known_issue", record_id=record_id, title=facts.record_title
            )
        )
    elif advisory.reason is AdvisoryReason.DEFECT:
        parts.append(
            customer_text(
                language, "advisory.defect", record_id=record_id, title=facts.record_title
            )
        )
    if advisory.end_of_support is not None:
        day = customer_day(language, advisory.end_of_support)
        parts.append(customer_text(language, "advisory.end_of_support", date=day))
    if advisory.target_version:
        parts.append(customer_text(language, "advisory.target", target=advisory.target_version))
    parts += [advisory.message, customer_text(language, "advisory.closing")]
    return subject, "\n\n".join(parts)
