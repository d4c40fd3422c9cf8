"""The settings of what the desk does on the web beyond its pages: the web server's request
threads (``TIERDESK_SERVER__*``), outbound webhooks (``TIERDESK_WEBHOOKS__*``), live updates
in the workspace (``TIERDESK_LIVE__*``) and the portal's options (``TIERDESK_PORTAL__*``).
Part of ``config.Settings``; kept apart so that config.py stays readable.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class ServerSettings(BaseModel):
    """The web server of each process (``tierdesk serve``, or any ASGI server's workers)."""

    threads: int = Field(
        default=4,
        ge=1,
        le=500,
        description="Requests a web process works on at once (at most `db.pool_size`); more "
        "wait their turn. Python runs one thread at a time, so more threads only take turns at "
        "it: on 2 cores one process answered ticket reads at ~200/s with 2 threads, ~175/s "
        "with 4 and ~150/s with 20, but opened tickets at ~25/s with 2 against ~35-45/s with "
        "4 (a thread waiting for SQLite's writer does nothing meanwhile; bench/README.md). "
        "Raise it where requests wait on another machine (a remote embedder or language model, "
        "the tracker); for more cores run more processes (`serve --workers`).",
    )


class WebhookSettings(BaseModel):
    """Outbound webhooks (docs/webhooks.md): admins subscribe URLs to the desk's events."""

    timeout_seconds: float = Field(
        default=5.0, gt=0, le=60, description="How long one delivery waits for the receiver."
    )
    allow_private_addresses: bool = Field(
        default=False,
        description="Allow webhook URLs on loopback, private or link-local addresses (off: a "
        "webhook cannot make the desk call into its own network; on for a receiver on the "
        "desk's LAN, and in tests).",
    )
    disable_after_failures: int = Field(
        default=20,
        ge=1,
        description="Failed delivery attempts in a row (over all its deliveries) after which a "
        "webhook is disabled and the admins are notified.",
    )


class LiveSettings(BaseModel):
    """Live updates in the workspace (docs/design.md, "Live updates"): each web process polls the
    database once for all its open streams."""

    poll_seconds: float = Field(
        default=1.5,
        gt=0,
        le=30,
        description="How often each web process reads new ticket events and notifications for "
        "its open live streams (one read per process, whatever the number of streams).",
    )
    keepalive_seconds: float = Field(
        default=15.0,
        gt=0,
        description="Quiet time after which a live stream sends a keep-alive comment, so proxies "
        "do not close it.",
    )
    stream_minutes: float = Field(
        default=10.0,
        gt=0,
        description="How long one live stream stays open before the browser reconnects (a "
        "stopping server waits for open streams no longer than this).",
    )
    max_streams: int = Field(
        default=500,
        ge=1,
        description="Live streams one web process keeps open at most; more are answered 503 and "
        "the browser tries again later.",
    )
    presence_seconds: int = Field(
        default=30,
        ge=5,
        description="How long an agent counts as viewing or typing on a ticket after their "
        "page's last heartbeat.",
    )


class PortalSettings(BaseModel):
    """The customer portal's options (docs/design.md, "Portal")."""

    public_help_centre: bool = Field(
        default=False,
        description="Whether signed-out visitors may search and read the published public KB "
        "articles at /help. Off: /help is not found.",
    )
