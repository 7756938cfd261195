"""The first schema: sessions, their turns and their criterion scores.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Document = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("origin", sa.String, nullable=False),
        sa.Column("rep", sa.String, nullable=False),
        sa.Column("team", sa.String),
        sa.Column("scenario_id", sa.String, nullable=False),
        sa.Column("scenario_version", sa.Integer, nullable=False),
        sa.Column("scenario_title", sa.String),
        sa.Column("rubric_id", sa.String, nullable=False),
        sa.Column("rubric_version", sa.Integer, nullable=False),
        sa.Column("language", sa.String, nullable=False),
        sa.Column("mode", sa.String, nullable=False),
        sa.Column("started_at", When, nullable=False),
        sa.Column("ended_at", When),
        sa.Column("outcome", sa.String),
        sa.Column("turn_count", sa.Integer, nullable=False),
        sa.Column("overall", sa.Float),
        sa.Column("passed", sa.Boolean),
        sa.Column("judge", sa.String),
        sa.Column("record", Document, nullable=False),
        sa.Column("scorecard", Document),
        sa.Column("indexed_at", When, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
    )
    op.create_index("ix_sessions_started_at", "sessions", ["started_at"])
    op.create_index("ix_sessions_rep_started_at", "sessions", ["rep", "started_at"])
    op.create_index("ix_sessions_team_started_at", "sessions", ["team", "started_at"])
    op.create_index("ix_sessions_scenario_id_started_at", "sessions", ["scenario_id", "started_at"])
    op.create_index("ix_sessions_origin", "sessions", ["origin"])
    op.create_table(
        "turns",
        sa.Column("session_id", sa.String, nullable=False),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("speaker", sa.String, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("audio", sa.String),
        sa.Column("doc", Document, nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name="fk_turns_session_id_sessions", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("session_id", "idx", name="pk_turns"),
    )
    op.create_table(
        "criterion_scores",
        sa.Column("session_id", sa.String, nullable=False),
        sa.Column("criterion_id", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("skill", sa.String, nullable=False),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("level", sa.Integer),
        sa.Column("unsupported", sa.Boolean, nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name="fk_criterion_scores_session_id_sessions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "criterion_id", name="pk_criterion_scores"),
    )
    op.create_index(
        "ix_criterion_scores_skill_session_id", "criterion_scores", ["skill", "session_id"]
    )


def downgrade() -> None:
    op.drop_table("criterion_scores")
    op.drop_table("turns")
    op.drop_table("sessions")
