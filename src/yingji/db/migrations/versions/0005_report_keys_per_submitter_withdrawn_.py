"""Report keys per submitter, withdrawn obligations, one active response

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 01:58:53.936709
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incident_obligation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("incident_report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_hash", sa.String(length=64), nullable=True))
        batch_op.drop_constraint(batch_op.f("uq_incident_report_client_key"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_incident_report_submitted_by"), ["submitted_by", "client_key"])

    with op.batch_alter_table("incident_response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("started_level", sa.Integer(), nullable=True))
    op.execute("UPDATE incident_response SET started_level = level")
    with op.batch_alter_table("incident_response", schema=None) as batch_op:
        batch_op.alter_column("started_level", nullable=False)
        batch_op.create_index(
            "uq_incident_response_active",
            ["incident_id", "plan_id"],
            unique=True,
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("incident_response", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_incident_response_active",
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        )
        batch_op.drop_column("started_level")

    with op.batch_alter_table("incident_report", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_incident_report_submitted_by"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_incident_report_client_key"), ["client_key"])
        batch_op.drop_column("body_hash")

    with op.batch_alter_table("incident_obligation", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
