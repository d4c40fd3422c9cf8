"""The defect's mirror in the developers' tracker, both ways.

Out: ``defects.push`` opens the tracker issue after the defect commits (a job, so a tracker
outage never loses a defect and never holds a transaction open); ``defects.comment`` tells the
issue about each further ticket. In: ``defects.poll`` reads open defects' issues every 10
minutes, and the webhook (``receive_tracker_webhook``) applies a delivery at once. When the
issue is closed with a release (a ``fixed-in: X`` label or a version milestone), the defect is
fixed in X and every linked ticket is told (``defects.settle_fix``).

Delivery is at least once: a worker that dies between the tracker's answer and our commit
pushes again and opens a second issue (no tracker offers an idempotency key here).
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from tierdesk.domain.defects import Defect, DefectStatus, TrackerIssue, fixed_version
from tierdesk.domain.people import Actor, SystemActor
from tierdesk.domain.record_links import RecordKind
from tierdesk.errors import (
    InvalidInputError,
    InvalidTransitionError,
    NotFoundError,
    TrackerUnavailableError,
    UnauthenticatedError,
)
from tierdesk.ports import UnitOfWork
from tierdesk.ports.defects import IssueTracker
from tierdesk.services.defects import AUTHORS, DEFECTS, reproduction_of, settle_fix
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import TASKS
from tierdesk.services.linked_records import audit_record, load_record, require_level

logger = logging.getLogger(__name__)
KIND = RecordKind.DEFECT


def _tracker(desk: Desk) -> IssueTracker:
    if desk.tracker is None:
        raise InvalidTransitionError("no issue tracker is configured (settings: tracker.kind)")
    return desk.tracker


def _tracker_actor(tracker: IssueTracker) -> SystemActor:
    return SystemActor(name=f"tracker:{tracker.name}")


@TASKS.task("defects.push", max_attempts=10)
def push_defect(desk: Desk, payload: dict[str, Any]) -> None:
    """Open the tracker issue of a defect that has none yet."""
    tracker = _tracker(desk)
    defect_id = int(payload["defect_id"])
    with desk.uow() as uow:
        defect = uow.defects.get(defect_id)
        if defect is None or defect.external_id is not None:
            return  # gone, or pushed already (a repeated job)
        title, body = f"[DEF-{defect.id}] {defect.title}", reproduction_of(defect).as_markdown()
        labels = [f"severity:{defect.severity}"]
    issue = tracker.create_issue(title, body, labels)
    with desk.uow() as uow:
        defect = uow.defects.get(defect_id)
        if defect is None or defect.external_id is not None:
            return
        defect.tracker = tracker.name
        _store_mirror(defect, issue, desk)
        audit_record(
            uow,
            KIND,
            defect.id,
            "mirrored",
            _tracker_actor(tracker),
            desk.clock.now(),
            {"tracker": tracker.name, "external_id": issue.external_id, "url": issue.url},
        )
        uow.commit()


@TASKS.task("defects.comment", max_attempts=10)
def comment_on_defect(desk: Desk, payload: dict[str, Any]) -> None:
    tracker = _tracker(desk)
    with desk.uow() as uow:
        defect = uow.defects.get(int(payload["defect_id"]))
        external_id = defect.external_id if defect is not None else None
    if defect is None:
        return
    if external_id is None:  # the push has not run yet; retry after it
        raise TrackerUnavailableError(f"DEF-{defect.id} is not mirrored yet")
    tracker.add_comment(external_id, str(payload["body"]))


@TASKS.every(timedelta(minutes=10), name="defects.poll")
def poll_tracker(desk: Desk, _payload: dict[str, Any]) -> None:
    """Ask the tracker about every open mirrored defect (webhooks may be lost or off)."""
    if desk.tracker is None:
        return
    with desk.uow() as uow:
        ids = [(d.id, d.external_id) for d in uow.defects.to_poll()]
    for defect_id, external_id in ids:
        assert defect_id is not None
        assert external_id is not None
        try:
            issue = desk.tracker.get_issue(external_id)
        except TrackerUnavailableError as exc:
            logger.warning("polling DEF-%s (issue %s) failed: %s", defect_id, external_id, exc)
            continue
        with desk.uow() as uow:
            defect = uow.defects.get(defect_id)
            if defect is not None:
                apply_tracker_issue(desk, uow, defect, issue, _tracker_actor(desk.tracker))
                uow.commit()


def _store_mirror(defect: Defect, issue: TrackerIssue, desk: Desk) -> None:
    defect.external_id, defect.external_url = issue.external_id, issue.url
    defect.external_state = issue.state
    defect.external_labels = list(issue.labels)
    defect.external_milestone = issue.milestone
    defect.synced_at = desk.clock.now()


def apply_tracker_issue(
    desk: Desk, uow: UnitOfWork, defect: Defect, issue: TrackerIssue, actor: Actor
) -> int:
    """Take the tracker's word on the issue; returns how many tickets were told of a fix."""
    before = (defect.external_state, list(defect.external_labels), defect.external_milestone)
    _store_mirror(defect, issue, desk)
    if before != (issue.state, list(issue.labels), issue.milestone):
        audit_record(
            uow,
            KIND,
            defect.id,
            "tracker_changed",
            actor,
            desk.clock.now(),
            {"state": issue.state, "labels": list(issue.labels), "milestone": issue.milestone},
        )
    version = fixed_version(issue)
    if version is not None:
        return settle_fix(desk, uow, defect, version, actor)
    not_planned = issue.state == "closed" and issue.state_reason == "not_planned"
    if (
        not_planned
        and defect.status is DefectStatus.OPEN
        and defect.mark_wont_fix(desk.clock.now())
    ):
        audit_record(uow, KIND, defect.id, "wont_fix", actor, desk.clock.now())
    return 0


def sync_defect(desk: Desk, actor: Actor, defect_id: int) -> Defect:
    """Push a defect that is not mirrored yet, then read its issue back, now."""
    require_level(actor, AUTHORS, "sync defects")
    tracker = _tracker(desk)
    with desk.uow() as uow:
        external_id = load_record(uow, DEFECTS, defect_id).external_id
    if external_id is None:
        push_defect(desk, {"defect_id": defect_id})
        with desk.uow() as uow:
            pushed = uow.defects.get(defect_id)
            external_id = pushed.external_id if pushed is not None else None
        assert external_id is not None
    issue = tracker.get_issue(external_id)
    with desk.uow() as uow:
        defect = uow.defects.get(defect_id)
        assert defect is not None
        apply_tracker_issue(desk, uow, defect, issue, actor)
        uow.commit()
        return defect


def receive_tracker_webhook(
    desk: Desk, event: str, body: bytes, signature: str | None
) -> Defect | None:
    """A webhook delivery: refused unless its signature matches the shared secret; deliveries
    about issues that mirror no defect (or about other things) are acknowledged and ignored."""
    if desk.tracker is None:
        raise NotFoundError("no issue tracker is configured, so there is no webhook here")
    tracker = desk.tracker
    if not tracker.verify_webhook(body, signature):
        raise UnauthenticatedError("the webhook signature does not match")
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise InvalidInputError("the webhook body is not JSON") from exc
    if not isinstance(payload, dict):
        raise InvalidInputError("the webhook body is not a JSON object")
    issue = tracker.issue_from_webhook(event, payload)
    if issue is None:
        return None
    with desk.uow() as uow:
        defect = uow.defects.by_external(tracker.name, issue.external_id)
        if defect is None:
            return None
        apply_tracker_issue(desk, uow, defect, issue, _tracker_actor(tracker))
        uow.commit()
        return defect
