"""Is the desk able to serve? (The database answers.)"""

from __future__ import annotations

from tierdesk.services.desk import Desk


def check_health(desk: Desk) -> dict[str, str]:
    with desk.uow() as uow:
        uow.organisations.plans()
    return {"status": "ok"}
