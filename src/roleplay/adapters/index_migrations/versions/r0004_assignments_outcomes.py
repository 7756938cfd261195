"""Assignments (what trainers ask reps to practise) and business outcomes (hard KPIs).

Both databases: the tables `assignments`, `outcomes` and `outcome_metrics`.

PostgreSQL, with the team roles of 0003: everyone on the team reads the assignments meant for
them (their login, or the whole team) and their own outcomes; trainers and admins read all of
them, add and change assignments (as themselves) and import outcomes. Nobody deletes an
assignment: withdrawing one sets `withdrawn_at`, so the list keeps what was asked.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from roleplay.adapters.index_migrations.versions.r0003_team_roles import group_names

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("scenario_id", sa.String, nullable=False),
        sa.Column("drill_id", sa.String),
        sa.Column("rep", sa.String),
        sa.Column("author", sa.String, nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("due", sa.Date),
        sa.Column("per_week", sa.Integer),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("pass_score", sa.Float),
        sa.Column("changed_at", When),
        sa.Column("withdrawn_at", When),
        sa.PrimaryKeyConstraint("id", name="pk_assignments"),
    )
    op.create_index("ix_assignments_rep", "assignments", ["rep"])
    op.create_table(
        "outcomes",
        sa.Column("rep", sa.String, nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("metric", sa.String, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("source", sa.String, nullable=False),
        sa.Column("imported_at", When, nullable=False),
        sa.PrimaryKeyConstraint("rep", "period_start", "metric", name="pk_outcomes"),
    )
    op.create_index("ix_outcomes_metric_period_start", "outcomes", ["metric", "period_start"])
    op.create_table(
        "outcome_metrics",
        sa.Column("metric", sa.String, nullable=False),
        sa.Column("direction", sa.String, nullable=False),
        sa.PrimaryKeyConstraint("metric", name="pk_outcome_metrics"),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _rights(bind)


def _rights(bind: sa.Connection) -> None:
    q = bind.dialect.identifier_preparer.quote
    database = str(bind.exec_driver_sql("SELECT current_database()").scalar())
    s = q(str(bind.exec_driver_sql("SELECT current_schema()").scalar()))
    names = group_names(database)
    rep, trainer = q(names["rep"]), q(names["trainer"])

    def run(sql: str) -> None:
        bind.exec_driver_sql(sql.replace("%", "%%"))

    team = f"(SELECT {s}.roleplay_sees_team())"
    me = "rep = current_user::text"
    for table in ("assignments", "outcomes", "outcome_metrics"):
        run(f"GRANT SELECT ON {s}.{table} TO {rep}")
        run(f"GRANT INSERT, UPDATE ON {s}.{table} TO {trainer}")
        run(f"ALTER TABLE {s}.{table} ENABLE ROW LEVEL SECURITY")
    run(
        f"CREATE POLICY assigned_read ON {s}.assignments FOR SELECT "
        f"USING (rep IS NULL OR {me} OR {team})"
    )
    run(
        f"CREATE POLICY assign ON {s}.assignments FOR INSERT "
        f"WITH CHECK ({team} AND author = current_user::text)"
    )
    run(f"CREATE POLICY assign_change ON {s}.assignments FOR UPDATE USING ({team})")
    run(f"CREATE POLICY own_or_team_read ON {s}.outcomes FOR SELECT USING ({me} OR {team})")
    run(f"CREATE POLICY team_import ON {s}.outcomes FOR INSERT WITH CHECK ({team})")
    run(f"CREATE POLICY team_reimport ON {s}.outcomes FOR UPDATE USING ({team})")
    run(f"CREATE POLICY everyone_reads ON {s}.outcome_metrics FOR SELECT USING (true)")
    run(f"CREATE POLICY team_declares ON {s}.outcome_metrics FOR INSERT WITH CHECK ({team})")
    run(f"CREATE POLICY team_redeclares ON {s}.outcome_metrics FOR UPDATE USING ({team})")


def downgrade() -> None:
    op.drop_table("outcome_metrics")
    op.drop_table("outcomes")
    op.drop_table("assignments")
