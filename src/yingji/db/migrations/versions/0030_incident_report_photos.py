"""incident report photos: a 续报 carries photos taken on the site

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_report_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_incident_report_photo_incident_id_incident")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["incident_report.id"], name=op.f("fk_incident_report_photo_report_id_incident_report")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_report_photo")),
    )
    with op.batch_alter_table("incident_report_photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_report_photo_incident_id"), ["incident_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_report_photo_report_id"), ["report_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incident_report_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_report_photo_report_id"))
        batch_op.drop_index(batch_op.f("ix_incident_report_photo_incident_id"))
    op.drop_table("incident_report_photo")
