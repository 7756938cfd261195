"""Reviewed marks become a history; on PostgreSQL, team roles enforced by the database.

Both databases: review_marks gets an id and a `reviewed` flag, one row per mark or withdrawal,
never replaced (what the rows held before becomes one mark each, with the id the client derives
for a mark saved without one).

PostgreSQL: three group roles per database (`<database>_rep`, `_trainer`, `_admin`; admin holds
trainer's rights and trainer holds rep's), grants, row-level security and the functions
`roleplay team` calls. A rep reads and writes only their own sessions, turns, scorecards and
scheduler cards and reads the reviews of their own sessions; a trainer reads the whole team's
and adds comments, overrides and reviewed marks as themselves; an admin also adds people. The
database owner (and superusers) bypass row-level security: they run migrations and rebuilds.
Overrides, reviewed marks and comments are append-only for everyone: a trigger refuses UPDATE
and DELETE. Creating roles needs a login with CREATEROLE: the database owner runs this once
(`roleplay team init`).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

When = sa.DateTime(timezone=True)
REVIEW_TABLES = ("comments", "overrides", "review_marks")
REP_TABLES = ("sessions", "turns", "criterion_scores", "skill_cards")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _need_createrole(bind)
    _marks_become_a_history(bind)
    if bind.dialect.name == "postgresql":
        _team_roles(bind)


def _marks_become_a_history(bind: sa.Connection) -> None:
    old = sa.table(
        "review_marks",
        sa.column("session_id", sa.String),
        sa.column("origin", sa.String),
        sa.column("author", sa.String),
        sa.column("reviewed_at", When),
    )
    rows = bind.execute(sa.select(old)).all()
    op.drop_table("review_marks")
    new = op.create_table(
        "review_marks",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("session_id", sa.String, nullable=False),
        sa.Column("origin", sa.String, nullable=False),
        sa.Column("author", sa.String, nullable=False),
        sa.Column("reviewed_at", When, nullable=False),
        sa.Column("reviewed", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review_marks"),
    )
    op.create_index("ix_review_marks_session_id", "review_marks", ["session_id"])
    op.create_index("ix_review_marks_origin", "review_marks", ["origin"])
    if rows:
        op.bulk_insert(
            new,
            [
                {
                    "id": f"mark-{r.author}-{_utc(r.reviewed_at).isoformat()}",
                    "session_id": r.session_id,
                    "origin": r.origin,
                    "author": r.author,
                    "reviewed_at": _utc(r.reviewed_at),
                    "reviewed": True,
                }
                for r in rows
            ],
        )


def _utc(value: datetime | str) -> datetime:
    if isinstance(value, str):  # SQLite without a declared type hands back text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _need_createrole(bind: sa.Connection) -> None:
    bind.exec_driver_sql(
        """
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user
                         AND (rolsuper OR rolcreaterole)) THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE =
              'upgrading the index to schema 0003 creates the team roles, which needs a login '
              || 'with CREATEROLE (the database owner)';
          END IF;
        END $$
        """
    )


def group_names(database: str) -> dict[str, str]:
    """rep/trainer/admin -> the PostgreSQL group role of this database (63 bytes at most)."""
    base = database
    if len(base.encode()) > 40:
        base = base[:24] + "_" + hashlib.sha256(database.encode()).hexdigest()[:8]
    return {kind: f"{base}_{kind}" for kind in ("rep", "trainer", "admin")}


def _team_roles(bind: sa.Connection) -> None:
    q = bind.dialect.identifier_preparer.quote
    database = str(bind.exec_driver_sql("SELECT current_database()").scalar())
    schema = str(bind.exec_driver_sql("SELECT current_schema()").scalar())
    names = group_names(database)
    rep, trainer, admin = (q(names[k]) for k in ("rep", "trainer", "admin"))
    lit = {k: _literal(v) for k, v in names.items()}
    s = q(schema)

    def run(sql: str) -> None:
        bind.exec_driver_sql(sql.replace("%", "%%"))

    for kind in ("rep", "trainer", "admin"):
        run(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {lit[kind]}) "
            f"THEN CREATE ROLE {q(names[kind])} NOLOGIN; END IF; END $$"
        )
    run(f"GRANT {rep} TO {trainer}")
    run(f"GRANT {trainer} TO {admin}")
    # Only the team (and the owner) may connect: other logins on a shared server may not.
    run(f"REVOKE CONNECT, TEMPORARY ON DATABASE {q(database)} FROM PUBLIC")
    run(f"GRANT CONNECT ON DATABASE {q(database)} TO {rep}")
    run(f"GRANT USAGE ON SCHEMA {s} TO {rep}")
    run(f"GRANT SELECT ON {s}.alembic_version TO {rep}")
    for table in REP_TABLES:
        run(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {s}.{table} TO {rep}")
    for table in REVIEW_TABLES:
        run(f"GRANT SELECT ON {s}.{table} TO {rep}")
        run(f"GRANT INSERT ON {s}.{table} TO {trainer}")

    # pg_temp last: otherwise a temporary table could stand in for a catalog in the owner's
    # functions. And nobody but the owner creates objects in the schema (as PostgreSQL 15+).
    fn = f"SET search_path = pg_catalog, {s}, pg_temp"
    run(f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC")
    run(
        f"""CREATE FUNCTION {s}.roleplay_role() RETURNS text LANGUAGE sql STABLE {fn} AS $$
        SELECT CASE
          WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user
                       AND (rolsuper OR rolbypassrls))
            OR pg_has_role(current_user, (SELECT relowner FROM pg_class
                                          WHERE oid = '{s}.sessions'::regclass), 'USAGE')
            THEN 'owner'
          WHEN pg_has_role(current_user, {lit["admin"]}, 'USAGE') THEN 'admin'
          WHEN pg_has_role(current_user, {lit["trainer"]}, 'USAGE') THEN 'trainer'
          WHEN pg_has_role(current_user, {lit["rep"]}, 'USAGE') THEN 'rep'
          ELSE 'none' END $$"""
    )
    run(
        f"""CREATE FUNCTION {s}.roleplay_sees_team() RETURNS boolean LANGUAGE sql STABLE {fn}
        AS $$ SELECT pg_has_role(current_user, {lit["trainer"]}, 'USAGE') $$"""
    )
    run(
        f"""CREATE FUNCTION {s}.roleplay_team() RETURNS TABLE (login text, role text)
        LANGUAGE sql STABLE {fn} AS $$
        SELECT m.rolname::text, CASE g.rolname WHEN {lit["admin"]} THEN 'admin'
                                 WHEN {lit["trainer"]} THEN 'trainer' ELSE 'rep' END
        FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid
        JOIN pg_roles m ON m.oid = a.member
        WHERE g.rolname IN ({lit["rep"]}, {lit["trainer"]}, {lit["admin"]}) AND m.rolcanlogin
        ORDER BY 1 $$"""
    )
    # Managing people runs as the owner (who has CREATEROLE); only admins may call it. The
    # password arrives as a SCRAM verifier computed by the client: never in clear text.
    run(
        f"""CREATE FUNCTION {s}.roleplay_team_add(who text, kind text, verifier text)
        RETURNS text LANGUAGE plpgsql SECURITY DEFINER {fn} AS $$
        DECLARE
          grp text := CASE kind WHEN 'rep' THEN {lit["rep"]} WHEN 'trainer' THEN {lit["trainer"]}
                                WHEN 'admin' THEN {lit["admin"]} END;
          existing pg_roles%ROWTYPE;
        BEGIN
          IF grp IS NULL THEN
            RAISE EXCEPTION 'no role %: the roles are rep, trainer and admin', kind;
          END IF;
          SELECT * INTO existing FROM pg_roles WHERE rolname = who;
          IF NOT FOUND THEN
            IF verifier IS NULL OR verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
              RAISE EXCEPTION 'a new login needs a password';
            END IF;
            EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', who, verifier);
          ELSIF existing.rolsuper OR NOT existing.rolcanlogin THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
              MESSAGE = format('%s is not a person''s login (a superuser or a group role)', who);
          END IF;
          EXECUTE format('REVOKE %I, %I, %I FROM %I',
                         {lit["rep"]}, {lit["trainer"]}, {lit["admin"]}, who);
          EXECUTE format('GRANT %I TO %I', grp, who);
          RETURN CASE WHEN existing.rolname IS NULL THEN 'created' ELSE 'changed' END;
        END $$"""
    )
    run(
        f"""CREATE FUNCTION {s}.roleplay_team_remove(who text) RETURNS void LANGUAGE plpgsql
        SECURITY DEFINER {fn} AS $$ BEGIN
          EXECUTE format('REVOKE %I, %I, %I FROM %I',
                         {lit["rep"]}, {lit["trainer"]}, {lit["admin"]}, who);
        END $$"""
    )
    for f in ("roleplay_team_add(text, text, text)", "roleplay_team_remove(text)"):
        run(f"REVOKE EXECUTE ON FUNCTION {s}.{f} FROM PUBLIC")
        run(f"GRANT EXECUTE ON FUNCTION {s}.{f} TO {admin}")

    me = "rep = current_user::text"
    team = f"(SELECT {s}.roleplay_sees_team())"
    for table in ("sessions", "skill_cards"):
        _policies(run, f"{s}.{table}", read=f"{me} OR {team}", write=me)
    own = f"session_id IN (SELECT id FROM {s}.sessions WHERE {me})"
    for table in ("turns", "criterion_scores"):
        _policies(
            run, f"{s}.{table}", read=f"session_id IN (SELECT id FROM {s}.sessions)", write=own
        )
    for table in REVIEW_TABLES:
        run(f"ALTER TABLE {s}.{table} ENABLE ROW LEVEL SECURITY")
        run(
            f"CREATE POLICY review_read ON {s}.{table} FOR SELECT "
            f"USING ({team} OR author = current_user::text OR {own})"
        )
        run(
            f"CREATE POLICY review_add ON {s}.{table} FOR INSERT "
            "WITH CHECK (author = current_user::text)"
        )
    run(
        f"""CREATE FUNCTION {s}.roleplay_append_only() RETURNS trigger LANGUAGE plpgsql {fn}
        AS $$ BEGIN
          RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = format('%s are append-only: add a new one instead', TG_TABLE_NAME);
        END $$"""
    )
    for table in REVIEW_TABLES:
        run(
            f"CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON {s}.{table} "
            f"FOR EACH ROW EXECUTE FUNCTION {s}.roleplay_append_only()"
        )


def _policies(run: object, table: str, *, read: str, write: str) -> None:
    assert callable(run)
    run(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    run(f"CREATE POLICY own_or_team_read ON {table} FOR SELECT USING ({read})")
    run(f"CREATE POLICY own_write ON {table} FOR ALL USING ({write}) WITH CHECK ({write})")


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def downgrade() -> None:
    raise NotImplementedError("the team roles are not taken down by a downgrade")
