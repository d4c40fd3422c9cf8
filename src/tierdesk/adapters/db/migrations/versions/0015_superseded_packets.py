"""Hand-off packets that a newer revision or packet replaced before anyone decided them read
``superseded`` instead of ``awaiting-acceptance`` (the code now stores that when it replaces
them; this fixes the rows stored before). Data only: the status column is text.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "UPDATE handoff_packets SET status = 'superseded' "
        "WHERE status = 'awaiting-acceptance' AND EXISTS ("
        " SELECT 1 FROM handoff_packets AS newer"
        " WHERE newer.ticket_id = handoff_packets.ticket_id"
        " AND (newer.sequence > handoff_packets.sequence"
        "  OR (newer.sequence = handoff_packets.sequence"
        "   AND newer.revision > handoff_packets.revision)))"
    )


def downgrade() -> None:
    # The older code knows no "superseded": it stored such revisions as still awaiting.
    op.execute(
        "UPDATE handoff_packets SET status = 'awaiting-acceptance' WHERE status = 'superseded'"
    )
