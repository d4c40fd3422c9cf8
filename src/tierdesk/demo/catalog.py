"""Kestrel Communications' products, with their components and released versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tierdesk.domain.catalog import Product
from tierdesk.services import catalog
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk


@dataclass(frozen=True)
class DemoProduct:
    name: str
    description: str
    components: tuple[str, ...]
    versions: tuple[tuple[str, date], ...]
    serial_prefix: str
    host_prefix: str
    error_prefix: str


PRODUCTS = (
    DemoProduct(
        name="Kestrel SBC",
        description="Session border controller for SIP trunks and remote workers.",
        components=(
            "SIP signalling",
            "Media relay",
            "TLS and SRTP",
            "High availability",
            "Web admin",
        ),
        versions=(
            ("5.2.0", date(2024, 3, 12)),
            ("5.3.1", date(2024, 11, 5)),
            ("5.4.0", date(2025, 6, 17)),
            ("6.0.0", date(2026, 4, 21)),
        ),
        serial_prefix="SB",
        host_prefix="sbc",
        error_prefix="SBC",
    ),
    DemoProduct(
        name="Kestrel DeskPhone",
        description="SIP desk phones (KP-200 and KP-400 series) with zero-touch provisioning.",
        components=("Provisioning", "Firmware", "Audio", "Keys and BLF"),
        versions=(
            ("3.8.2", date(2024, 9, 3)),
            ("3.9.0", date(2025, 5, 13)),
            ("4.0.1", date(2026, 2, 10)),
        ),
        serial_prefix="KP",
        host_prefix="prov",
        error_prefix="DP",
    ),
    DemoProduct(
        name="Kestrel Edge",
        description="Branch router and firewall with IPsec VPN and voice-aware QoS.",
        components=("Routing", "IPsec VPN", "Firewall", "QoS", "DHCP and DNS"),
        versions=(
            ("12.1", date(2024, 10, 1)),
            ("12.2", date(2025, 7, 8)),
            ("13.0", date(2026, 5, 19)),
        ),
        serial_prefix="EG",
        host_prefix="edge",
        error_prefix="EDG",
    ),
    DemoProduct(
        name="Kestrel CallStats",
        description="Call-quality analytics on Apache Hadoop: CDR ingestion, HDFS storage, "
        "MapReduce/YARN jobs and dashboards.",
        components=("Ingestion", "HDFS storage", "Jobs (MapReduce/YARN)", "Dashboards"),
        versions=(
            ("2.6", date(2024, 6, 4)),
            ("2.7", date(2025, 4, 15)),
            ("3.0", date(2026, 3, 24)),
        ),
        serial_prefix="CS",
        host_prefix="cs-node",
        error_prefix="CS",
    ),
)


def product_named(name: str) -> DemoProduct:
    for product in PRODUCTS:
        if product.name == name:
            return product
    raise KeyError(name)


def create_products(desk: Desk) -> list[Product]:
    return [
        catalog.create_product(
            desk,
            SYSTEM,
            catalog.NewProduct(
                name=p.name,
                description=p.description,
                components=list(p.components),
                versions=list(p.versions),
            ),
        )
        for p in PRODUCTS
    ]
