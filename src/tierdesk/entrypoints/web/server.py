"""The uvicorn server ``tierdesk serve`` runs (imported only there: uvicorn and the web app are
slow to import for every other command)."""

from __future__ import annotations

import uvicorn

from tierdesk.bootstrap import Tierdesk
from tierdesk.entrypoints.web.app import create_app
from tierdesk.entrypoints.web.hosts import served_url


def server_config(application: Tierdesk, host: str, port: int) -> uvicorn.Config:
    proxies = list(application.settings.trusted_proxies)
    return uvicorn.Config(
        create_app(application, served_at=served_url(host, port)),
        host=host,
        port=port,
        # uvicorn's default believes X-Forwarded-For and -Proto from 127.0.0.1 (or whatever
        # FORWARDED_ALLOW_IPS says): the client's address and scheme are taken from the headers
        # only when the operator named the proxy that sets them.
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies,
        # Our logging set-up (entrypoints/logs.py) already routes uvicorn's loggers; its own
        # would replace it. Its access log writes raw paths: requests.py logs templates.
        log_config=None,
        access_log=False,
    )
