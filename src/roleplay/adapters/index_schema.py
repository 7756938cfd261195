"""Tables of the index database (SQLAlchemy Core), one schema for SQLite and PostgreSQL.

This is the schema at the newest migration (index_migrations/versions); a test checks that
upgrading an empty database yields exactly these tables. Imported only by the index adapter,
never at CLI start-up.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.dialects.postgresql import JSONB

# Re-exported: the migrations and their tests read the revisions here.
from roleplay.adapters.index_head import KNOWN_REVISIONS as KNOWN_REVISIONS
from roleplay.adapters.index_head import SCHEMA_HEAD as SCHEMA_HEAD

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on both databases (SQLite keeps no zone itself)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the index stores UTC times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Document = JSON().with_variant(JSONB(), "postgresql")

metadata = MetaData(naming_convention=NAMING)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String, primary_key=True),
    Column("origin", String, nullable=False),
    Column("rep", String, nullable=False),
    Column("team", String),
    Column("scenario_id", String, nullable=False),
    Column("scenario_version", Integer, nullable=False),
    Column("scenario_title", String),
    Column("rubric_id", String, nullable=False),
    Column("rubric_version", Integer, nullable=False),
    Column("language", String, nullable=False),
    Column("mode", String, nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime),
    Column("outcome", String),
    Column("turn_count", Integer, nullable=False),
    Column("overall", Float),
    Column("passed", Boolean),
    Column("judge", String),
    Column("record", Document, nullable=False),
    Column("scorecard", Document),
    Column("indexed_at", UtcDateTime, nullable=False),
    # 0002
    Column("audio_purged_at", UtcDateTime),
    Column("transcript_purged_at", UtcDateTime),
    Index(None, "started_at"),
    Index(None, "rep", "started_at"),
    Index(None, "team", "started_at"),
    Index(None, "scenario_id", "started_at"),
    Index(None, "origin"),
)

turns = Table(
    "turns",
    metadata,
    Column(
        "session_id",
        String,
        ForeignKey("sessions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("idx", Integer, primary_key=True),
    Column("speaker", String, nullable=False),
    Column("text", Text, nullable=False),
    Column("audio", String),  # file name in the session folder
    Column("doc", Document, nullable=False),  # the whole transcript.jsonl line
)

criterion_scores = Table(
    "criterion_scores",
    metadata,
    Column(
        "session_id",
        String,
        ForeignKey("sessions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("criterion_id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("skill", String, nullable=False),
    Column("weight", Float, nullable=False),
    Column("level", Integer),
    Column("unsupported", Boolean, nullable=False),
    Index(None, "skill", "session_id"),
)

# 0002: reviews. No foreign key to sessions: a reviewer's notes may reach a shared index
# before (or after) the session they are about, from another machine's recordings folder.
comments = Table(
    "comments",
    metadata,
    Column("id", String, primary_key=True),
    Column("session_id", String, nullable=False),
    Column("origin", String, nullable=False),
    Column("author", String, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("turn", Integer),
    Column("text", Text, nullable=False),
    Index(None, "session_id"),
    Index(None, "origin"),
)

overrides = Table(
    "overrides",
    metadata,
    Column("id", String, primary_key=True),
    Column("session_id", String, nullable=False),
    Column("origin", String, nullable=False),
    Column("author", String, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("criterion_id", String, nullable=False),
    Column("level", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Index(None, "session_id"),
    Index(None, "origin"),
)

# 0003: one row per mark or withdrawal (reviewed False), never replaced: the history. On
# PostgreSQL, comments, overrides and marks are append-only and row-level security decides who
# sees and adds what (versions/r0003_team_roles.py).
review_marks = Table(
    "review_marks",
    metadata,
    Column("id", String, primary_key=True),
    Column("session_id", String, nullable=False),
    Column("origin", String, nullable=False),
    Column("author", String, nullable=False),
    Column("reviewed_at", UtcDateTime, nullable=False),
    Column("reviewed", Boolean, nullable=False),
    Index(None, "session_id"),
    Index(None, "origin"),
)

# 0002: the scheduler's cards (one per rep, skill and recordings folder), written whenever the
# rep's schedule is saved; rebuilt from the scored sessions by `roleplay reindex`.
skill_cards = Table(
    "skill_cards",
    metadata,
    Column("origin", String, primary_key=True),
    Column("rep", String, primary_key=True),
    Column("skill", String, primary_key=True),
    Column("due", UtcDateTime, nullable=False),
    Column("last_review", UtcDateTime, nullable=False),
    Column("last_level", Integer, nullable=False),
    Column("stability", Float, nullable=False),
    Column("reviews", Integer, nullable=False),
    Column("lapses", Integer, nullable=False),
    Column("doc", Document, nullable=False),  # the whole card, as the scheduler keeps it
    Index(None, "rep", "skill"),
)

# 0004: what trainers assign (rep NULL: the whole team). Changed in place; withdrawing sets
# withdrawn_at and keeps the row, so a list can still say what was asked and when.
assignments = Table(
    "assignments",
    metadata,
    Column("id", String, primary_key=True),
    Column("scenario_id", String, nullable=False),
    Column("drill_id", String),
    Column("rep", String),
    Column("author", String, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("due", Date),
    Column("per_week", Integer),
    Column("note", Text, nullable=False),
    Column("pass_score", Float),
    Column("changed_at", UtcDateTime),
    Column("withdrawn_at", UtcDateTime),
    Index(None, "rep"),
)

# 0004: business results per rep and period from a CRM or call-system export (hard KPIs);
# one row per rep, period and metric, so importing the same file again changes nothing.
outcomes = Table(
    "outcomes",
    metadata,
    Column("rep", String, primary_key=True),
    Column("period_start", Date, primary_key=True),
    Column("metric", String, primary_key=True),
    Column("value", Float, nullable=False),
    Column("source", String, nullable=False),  # the file it came from, and its line
    Column("imported_at", UtcDateTime, nullable=False),
    Index(None, "metric", "period_start"),
)

# 0004: which way is better for each metric ("higher" or "lower"), as declared on import.
outcome_metrics = Table(
    "outcome_metrics",
    metadata,
    Column("metric", String, primary_key=True),
    Column("direction", String, nullable=False),
)
