"""alarm severity: the triage rank (已恢复 0, 故障 1, 报警 2, 紧急 3) the engine keeps with each level change

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-07 11:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0019"
branch_labels = None
depends_on = None

# The table as this revision knows it (never the live model).
alarm = sa.table(
    "alarm",
    sa.column("active", sa.Boolean()),
    sa.column("condition", sa.String()),
    sa.column("level_name", sa.String()),
    sa.column("severity", sa.Integer()),
)


def upgrade() -> None:
    with op.batch_alter_table("alarm", schema=None) as batch_op:
        batch_op.add_column(sa.Column("severity", sa.Integer(), server_default="0", nullable=False))
    # Alarms open before this revision: a power-cut level or a red pond colour is 紧急, another level 报警, a sensor
    # fault 故障; the engine re-ranks each with its next change.
    active = alarm.c.active.is_(True)
    level = alarm.c.condition == "level"
    critical = alarm.c.level_name.like("断电%") | (alarm.c.level_name == "红色预警")
    op.execute(alarm.update().where(active, level, critical).values(severity=3))
    op.execute(alarm.update().where(active, level, ~critical).values(severity=2))
    op.execute(alarm.update().where(active, ~level).values(severity=1))


def downgrade() -> None:
    with op.batch_alter_table("alarm", schema=None) as batch_op:
        batch_op.drop_column("severity")
