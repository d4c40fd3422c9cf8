"""The uvicorn server ``tierdesk serve`` runs (imported only there: uvicorn and the web app are
slow to import for every other command)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import uvicorn

from tierdesk.bootstrap import Tierdesk
from tierdesk.entrypoints.web.app import create_app
from tierdesk.entrypoints.web.hosts import served_url

WEB_APP_FACTORY = "tierdesk.entrypoints.web.asgi:create_web_app"
METRICS_DIRECTORY_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def server_config(application: Tierdesk, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(application, served_at=served_url(host, port)),
        host=host,
        port=port,
        proxy_headers=bool(_proxies(application)),
        forwarded_allow_ips=_proxies(application),
        # Our logging set-up (entrypoints/logs.py) already routes uvicorn's loggers; its own
        # would replace it. Its access log writes raw paths: requests.py logs templates.
        log_config=None,
        access_log=False,
    )


def workers_config(application: Tierdesk, host: str, port: int, workers: int) -> uvicorn.Config:
    """``workers`` web processes on one listening socket, each building its application from
    the environment (``asgi.create_web_app``). Set before they start: where links lead (the
    address served, unless TIERDESK_PUBLIC_URL says otherwise) and the metrics directory the
    processes share."""
    os.environ.setdefault("TIERDESK_PUBLIC_URL", served_url(host, port))
    prepare_metrics_directory(application.settings.data_dir)
    return uvicorn.Config(
        WEB_APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # uvicorn kills a process that does not answer its supervisor's ping in time (5 s by
        # default); a process starting up imports the app and loads its models, which on a
        # busy machine holds the interpreter longer than that: it was killed in a loop.
        timeout_worker_healthcheck=60,
        proxy_headers=bool(_proxies(application)),
        forwarded_allow_ips=_proxies(application),
        log_config=None,  # as server_config: our logging, the access line with templates
        access_log=False,
    )


def prepare_metrics_directory(data_dir: Path) -> Path:
    """A fresh, empty directory under the data directory for the metrics that several web
    processes share (``PROMETHEUS_MULTIPROC_DIR``, read by the Prometheus client), unless the
    operator named one; emptied at each start, as the client asks."""
    named = os.environ.get(METRICS_DIRECTORY_VARIABLE)
    if named:
        return Path(named)
    directory = data_dir / "prometheus-multiproc"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ[METRICS_DIRECTORY_VARIABLE] = str(directory)
    return directory


def _proxies(application: Tierdesk) -> list[str]:
    # uvicorn's default believes X-Forwarded-For and -Proto from 127.0.0.1 (or whatever
    # FORWARDED_ALLOW_IPS says): the client's address and scheme are taken from the headers
    # only when the operator named the proxy that sets them.
    return list(application.settings.trusted_proxies)
