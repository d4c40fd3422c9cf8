"""Who works with the desk: organisations and their contacts, agents and their levels."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum

from tierdesk.domain.answer_policy import AnswerPolicy
from tierdesk.errors import InvalidInputError


class Tier(IntEnum):
    """A support level. Higher numbers are deeper expertise."""

    L0 = 0
    L1 = 1
    L2 = 2
    L3 = 3
    L4 = 4

    @property
    def label(self) -> str:
        return f"L{int(self)}"

    @classmethod
    def parse(cls, value: str | int) -> Tier:
        text = str(value).strip().upper().removeprefix("L")
        # isascii: str.isdigit() also accepts "²", which int() then refuses with a ValueError.
        if not (text.isascii() and text.isdigit()) or int(text) not in {t.value for t in cls}:
            raise InvalidInputError(f"unknown level {value!r}; use 0-4 or L0-L4", field="tier")
        return cls(int(text))


class Role(StrEnum):
    AGENT = "agent"
    LEAD = "lead"
    ADMIN = "admin"


class ActorKind(StrEnum):
    AGENT = "agent"
    CONTACT = "contact"
    SYSTEM = "system"


@dataclass(eq=False)
class SupportPlan:
    """What an organisation has bought: coverage hours and how deep it may reach."""

    key: str
    name: str
    coverage: str  # "business-hours" or "24x7"
    highest_tier: Tier
    description: str = ""
    # The most the answerer may do on this plan's tickets (issue 17): the stricter of this and
    # the queue's policy holds. "send" caps nothing; a plan promising "always a person" says
    # "suggest" or "off".
    answers: AnswerPolicy = AnswerPolicy.SEND
    id: int | None = None


PLAN_COVERAGES = ("business-hours", "24x7")


def check_plan(key: str, name: str, coverage: str) -> tuple[str, str, str]:
    """A plan's key (lower-case letters, digits and dashes: rules and imports name it), its
    name and the hours it covers, cleaned; anything else is refused on its field."""
    key = key.strip().lower()
    if not key or len(key) > 40 or not all(c.isascii() and (c.isalnum() or c == "-") for c in key):
        raise InvalidInputError(
            "a plan key is 1-40 lower-case letters, digits or dashes", field="key"
        )
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise InvalidInputError("a plan needs a name of 1-120 characters", field="name")
    if coverage not in PLAN_COVERAGES:
        raise InvalidInputError(
            f"coverage is {' or '.join(PLAN_COVERAGES)}, not {coverage!r}", field="coverage"
        )
    return key, name, coverage


@dataclass(eq=False)
class Organisation:
    name: str
    plan_id: int
    created_at: datetime
    email_domains: list[str] = field(default_factory=list)
    country: str | None = None
    timezone: str = "UTC"
    active: bool = True
    id: int | None = None


@dataclass(eq=False)
class Contact:
    """A person at a customer organisation who opens and follows tickets."""

    email: str
    name: str
    organisation_id: int
    created_at: datetime
    # What they stated (or an agent chose for them); None: not stated, and the desk takes the
    # language they first write in (services/languages.py).
    language: str | None = None
    phone: str | None = None
    active: bool = True
    password_hash: str | None = None
    id: int | None = None

    @property
    def kind(self) -> ActorKind:
        return ActorKind.CONTACT


@dataclass(eq=False)
class Agent:
    """A support engineer. ``tiers`` are the levels they work; ``skills`` are product or
    component names they know; ``capacity`` is how many open tickets they carry at most."""

    email: str
    name: str
    created_at: datetime
    tiers: list[int] = field(default_factory=list)
    role: Role = Role.AGENT
    skills: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=lambda: ["en"])
    queues: list[str] = field(default_factory=list)
    capacity: int = 20
    active: bool = True
    away: bool = False
    password_hash: str | None = None
    id: int | None = None

    @property
    def kind(self) -> ActorKind:
        return ActorKind.AGENT

    @property
    def highest_tier(self) -> Tier | None:
        return Tier(max(self.tiers)) if self.tiers else None

    def works_tier(self, tier: Tier) -> bool:
        return int(tier) in self.tiers

    @property
    def is_lead(self) -> bool:
        return self.role in (Role.LEAD, Role.ADMIN)


@dataclass(frozen=True)
class SystemActor:
    """The desk itself, acting on a rule, a sweep or a migration."""

    name: str = "tierdesk"
    id: int | None = None

    @property
    def kind(self) -> ActorKind:
        return ActorKind.SYSTEM


Actor = Agent | Contact | SystemActor


MAX_EMAIL = 254  # what an SMTP path can carry (RFC 5321: 256 with its angle brackets)
_MAX_LOCAL_PART = 64


def normalise_email(email: str) -> str:
    """Lower-cased, trimmed address; refuses what cannot be an address."""
    cleaned = email.strip().lower()
    local, _, domain = cleaned.partition("@")
    if len(cleaned) > MAX_EMAIL or len(local) > _MAX_LOCAL_PART:
        raise InvalidInputError(
            f"an e-mail address has at most {MAX_EMAIL} characters, {_MAX_LOCAL_PART} before the @",
            field="email",
        )
    if (
        not local
        or "." not in domain
        or any(c.isspace() or not c.isprintable() for c in cleaned)
        or "@" in domain
        or domain.startswith(".")
        or domain.endswith(".")
    ):
        raise InvalidInputError(f"{email!r} is not an e-mail address", field="email")
    return cleaned


# A mail domain as a sender's address carries it: labels of letters, digits and hyphens.
_MAIL_DOMAIN = re.compile(r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}")

MAX_ORGANISATION_NAME = 200  # the column's


def normalise_mail_domain(domain: str) -> str:
    """An organisation's mail domain (unknown senders from it join it), lower-cased, without a
    leading ``@``; refuses what no address could end in, since such a domain never matches."""
    cleaned = domain.strip().lower().removeprefix("@")
    if not _MAIL_DOMAIN.fullmatch(cleaned):
        raise InvalidInputError(
            f"{domain.strip()[:80]!r} is not a mail domain like example.com", field="email_domains"
        )
    return cleaned


def normalise_tiers(tiers: list[int] | list[Tier]) -> list[int]:
    if not tiers:
        raise InvalidInputError("an agent works at least one level", field="tiers")
    return sorted({int(Tier.parse(t)) for t in tiers})


def grantable_roles(granter: Role | None) -> list[Role]:
    """The roles someone may hand out. A lead may make agents and leads; only an admin (or the
    desk itself, ``None``: the CLI and migrations) makes admins, so a lead cannot raise anyone,
    themselves included, above their own role."""
    if granter is None or granter is Role.ADMIN:
        return list(Role)
    if granter is Role.LEAD:
        return [Role.AGENT, Role.LEAD]
    return []


# OWASP ASVS 2.1.1 asks for at least 12 characters; the upper bound only keeps argon2's input
# reasonable (ASVS 2.1.2 asks that at least 64 be allowed).
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256


def check_new_password(password: str) -> str:
    """A password someone is about to be given, refused when it is too short to resist guessing."""
    if len(password.strip()) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"a password needs at least {MIN_PASSWORD_LENGTH} characters, "
            "not counting spaces at either end",
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"a password has at most {MAX_PASSWORD_LENGTH} characters", field="password"
        )
    return password
