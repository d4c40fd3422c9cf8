"""The concrete facts of one demo ticket (version, addresses, serial, host…), drawn from a seeded
random generator and filled into a scenario's ``{placeholders}`` the same way on every text of
that ticket."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tierdesk.demo.catalog import DemoProduct

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
KNOWN_PLACEHOLDERS = frozenset(
    {
        "version",
        "ip",
        "peer_ip",
        "mac",
        "serial",
        "hostname",
        "error_code",
        "since",
        "extension",
        "customer_name",
        "agent_name",
    }
)

_WEEKDAYS = {
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    "de": "Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag",
    "it": "lunedì martedì mercoledì giovedì venerdì sabato domenica",
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "es": "el_lunes el_martes el_miércoles el_jueves el_viernes el_sábado el_domingo",
}
_RECENTLY = {
    "en": ("this morning", "yesterday"),
    "de": ("heute Morgen", "gestern"),
    "it": ("stamattina", "ieri"),
    "fr": ("ce matin", "hier"),
    "es": ("esta mañana", "ayer"),
}


def spoken_since(day: date, days_ago: int, language: str) -> str:
    """When a problem started, as a customer says it after "since": "yesterday", "Montag"."""
    if language not in _RECENTLY:
        language = "en"
    if days_ago < 2:
        return _RECENTLY[language][days_ago]
    return _WEEKDAYS[language].split()[day.weekday()].replace("_", " ")


@dataclass(frozen=True)
class TicketFacts:
    version: str
    ip: str
    peer_ip: str
    mac: str
    serial: str
    hostname: str
    error_code: str
    since: date
    since_days_ago: int
    extension: str

    @classmethod
    def draw(
        cls,
        rng: random.Random,
        product: DemoProduct,
        domain: str,
        opened: datetime,
        version: str | None = None,
    ) -> TicketFacts:
        released = [name for name, day in product.versions if day <= opened.date()]
        days_ago = rng.randint(0, 5)
        site = rng.choice(("fra", "muc", "ber", "mil", "par", "mad", "lon", "chi", "ham", "lyo"))
        return cls(
            version=version or rng.choice(released or [product.versions[0][0]]),
            ip=rng.choice(
                (
                    f"10.{rng.randint(0, 40)}.{rng.randint(0, 254)}.{rng.randint(2, 250)}",
                    f"192.168.{rng.randint(0, 30)}.{rng.randint(2, 250)}",
                    f"172.{rng.randint(16, 31)}.{rng.randint(0, 254)}.{rng.randint(2, 250)}",
                )
            ),
            peer_ip=rng.choice(
                (
                    f"203.0.113.{rng.randint(2, 250)}",
                    f"198.51.100.{rng.randint(2, 250)}",
                    f"192.0.2.{rng.randint(2, 250)}",
                )
            ),
            mac="00:1A:7D:" + ":".join(f"{rng.randint(0, 255):02X}" for _ in range(3)),
            serial=(
                f"{product.serial_prefix}{rng.randint(21, 25)}{rng.randint(1, 52):02d}"
                f"{rng.randint(0, 99999):05d}"
            ),
            hostname=f"{product.host_prefix}-{rng.randint(1, 4):02d}.{site}.{domain}",
            error_code=f"{product.error_prefix}-{rng.choice((4, 5, 6))}{rng.randint(0, 999):03d}",
            since=(opened - timedelta(days=days_ago)).date(),
            since_days_ago=days_ago,
            extension=str(rng.randint(200, 4899)),
        )

    def fill(self, text: str, language: str, customer_name: str, agent_name: str) -> str:
        values = {
            "version": self.version,
            "ip": self.ip,
            "peer_ip": self.peer_ip,
            "mac": self.mac,
            "serial": self.serial,
            "hostname": self.hostname,
            "error_code": self.error_code,
            "since": spoken_since(self.since, self.since_days_ago, language),
            "extension": self.extension,
            "customer_name": customer_name,
            "agent_name": agent_name,
        }
        return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
