"""Reviews (comments, criterion overrides, reviewed marks), retention dates, scheduler cards.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

When = sa.DateTime(timezone=True)
Document = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("audio_purged_at", When))
        batch.add_column(sa.Column("transcript_purged_at", When))
    op.create_table(
        "comments",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("session_id", sa.String, nullable=False),
        sa.Column("origin", sa.String, nullable=False),
        sa.Column("author", sa.String, nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("turn", sa.Integer),
        sa.Column("text", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_comments"),
    )
    op.create_index("ix_comments_session_id", "comments", ["session_id"])
    op.create_index("ix_comments_origin", "comments", ["origin"])
    op.create_table(
        "overrides",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("session_id", sa.String, nullable=False),
        sa.Column("origin", sa.String, nullable=False),
        sa.Column("author", sa.String, nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("criterion_id", sa.String, nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_overrides"),
    )
    op.create_index("ix_overrides_session_id", "overrides", ["session_id"])
    op.create_index("ix_overrides_origin", "overrides", ["origin"])
    op.create_table(
        "review_marks",
        sa.Column("session_id", sa.String, nullable=False),
        sa.Column("origin", sa.String, nullable=False),
        sa.Column("author", sa.String, nullable=False),
        sa.Column("reviewed_at", When, nullable=False),
        sa.PrimaryKeyConstraint("session_id", "origin", name="pk_review_marks"),
    )
    op.create_index("ix_review_marks_origin", "review_marks", ["origin"])
    op.create_table(
        "skill_cards",
        sa.Column("origin", sa.String, nullable=False),
        sa.Column("rep", sa.String, nullable=False),
        sa.Column("skill", sa.String, nullable=False),
        sa.Column("due", When, nullable=False),
        sa.Column("last_review", When, nullable=False),
        sa.Column("last_level", sa.Integer, nullable=False),
        sa.Column("stability", sa.Float, nullable=False),
        sa.Column("reviews", sa.Integer, nullable=False),
        sa.Column("lapses", sa.Integer, nullable=False),
        sa.Column("doc", Document, nullable=False),
        sa.PrimaryKeyConstraint("origin", "rep", "skill", name="pk_skill_cards"),
    )
    op.create_index("ix_skill_cards_rep_skill", "skill_cards", ["rep", "skill"])


def downgrade() -> None:
    op.drop_table("skill_cards")
    op.drop_table("review_marks")
    op.drop_table("overrides")
    op.drop_table("comments")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("transcript_purged_at")
        batch.drop_column("audio_purged_at")
