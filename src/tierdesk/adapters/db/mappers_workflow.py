"""Maps the workflow records (known issues, defects, incidents, enhancements, links, L3
outcomes) onto their domain classes."""

from __future__ import annotations

from sqlalchemy.orm import registry

from tierdesk.adapters.db import tables_workflow as t
from tierdesk.domain.defects import Defect
from tierdesk.domain.enhancements import Enhancement, EnhancementVote
from tierdesk.domain.incidents import Incident, IncidentUpdate
from tierdesk.domain.known_issues import KnownIssue
from tierdesk.domain.l3_outcomes import OutcomeRecord
from tierdesk.domain.record_links import RecordLink


def map_workflow(reg: registry) -> None:
    reg.map_imperatively(KnownIssue, t.known_issues)
    reg.map_imperatively(Defect, t.defects)
    reg.map_imperatively(Incident, t.incidents)
    reg.map_imperatively(IncidentUpdate, t.incident_updates)
    reg.map_imperatively(Enhancement, t.enhancements)
    reg.map_imperatively(EnhancementVote, t.enhancement_votes)
    reg.map_imperatively(RecordLink, t.record_links)
    reg.map_imperatively(OutcomeRecord, t.l3_outcomes)
