"""Migrations: head matches the models, and SQLite pragmas are set."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

from tracker import create_app
from tracker.extensions import db

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")

#: A plan with one category, one measure and one unit, as raw rows (schema of 0001 on).
ONE_PLAN = (
    "INSERT INTO plans (id, name, title, first_year, last_year, cadence, source_filename,"
    " imported_at) VALUES (1, 'p', '', 2019, 2025, 'quarterly', '', '2020-01-01')",
    "INSERT INTO categories (id, plan_id, position, name) VALUES (1, 1, 1, 'c')",
    "INSERT INTO measures (id, category_id, position, name) VALUES (1, 1, 1, 'm')",
    "INSERT INTO units (id, name, created_at) VALUES (1, 'u', '2020-01-01')",
)


def test_migrated_schema_matches_the_models(app_ctx: Flask) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": lambda obj, name, type_, *_: (
                    not (type_ == "table" and name == "apscheduler_jobs")
                ),
            },
        )
        differences = compare_metadata(context, db.metadata)

    assert differences == []


def test_upgrade_downgrade_upgrade_on_a_fresh_sqlite_file(tmp_path: Path) -> None:
    app = create_app(
        {"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}"}
    )
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        downgrade(directory=MIGRATIONS, revision="base")
        tables_after_downgrade = set(sa.inspect(db.engine).get_table_names())
        upgrade(directory=MIGRATIONS)
        tables = set(sa.inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
            journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        db.engine.dispose()

    assert tables_after_downgrade == {"alembic_version"}
    assert {"plans", "tasks", "milestones", "progress_reports", "alerts", "users"} <= tables
    assert (foreign_keys, journal) == (1, "wal")


def test_upgrading_a_filled_sqlite_database_keeps_child_rows(tmp_path: Path) -> None:
    """0002 rebuilds progress_reports in batch mode; with foreign keys on, dropping the old
    table would cascade into contributions (DESIGN.md §8). Nothing may be lost."""
    app = create_app(
        {"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'f.db'}"}
    )
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0001")
        with db.engine.begin() as connection:
            for statement in (
                *ONE_PLAN,
                "INSERT INTO tasks (id, plan_id, measure_id, position, text, schedule_text,"
                " needs_review, review_reasons) VALUES (1, 1, 1, 1, 't', '', 0, '')",
                "INSERT INTO progress_reports (id, task_id, unit_id, period, period_end, status,"
                " progress, problems, next_steps, return_reason, version, created_at,"
                " updated_at) VALUES (1, 1, 1, '2020Q3', '2020-09-30', 'accepted', 'x', '',"
                " '', '', 1, '2020-10-01', '2020-10-01')",
                "INSERT INTO contributions (id, report_id, unit_id, status, text, reason,"
                " requested_on) VALUES (1, 1, 1, 'confirmed', '', '', '2020-10-01')",
            ):
                connection.exec_driver_sql(statement)
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            reports = connection.exec_driver_sql(
                "SELECT id, revision, status FROM progress_reports"
            ).all()
            contributions = connection.exec_driver_sql("SELECT id FROM contributions").all()
        db.engine.dispose()

    assert reports == [(1, 1, "accepted")]
    assert contributions == [(1,)]


def _filled_database_url(app: Flask, tmp_path: Path) -> str:
    """A new empty database of the suite's kind: a SQLite file, or a PostgreSQL database
    beside the suite's (dropped again by the caller)."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        return f"sqlite:///{tmp_path / 'filled.db'}"
    name = f"{url.database}_migration"
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def test_0005_keeps_every_record_and_stops_deletes_from_cascading(
    app: Flask, tmp_path: Path
) -> None:
    """On a filled database (SQLite file or PostgreSQL): milestones, reports, history and
    alerts survive the upgrade; afterwards deleting a task with records is refused."""
    url = _filled_database_url(app, tmp_path)
    other = create_app({"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": url})
    with other.app_context():
        upgrade(directory=MIGRATIONS, revision="0004")
        with db.engine.begin() as connection:
            for statement in (
                *ONE_PLAN,
                "INSERT INTO tasks (id, plan_id, measure_id, position, text, schedule_text,"
                " needs_review, review_reasons) VALUES (1, 1, 1, 1, 't', '', false, '')",
                "INSERT INTO milestones (id, task_id, position, kind, due, source)"
                " VALUES (1, 1, 1, 'level', '2020-12-31', '2020年达到50%')",
                "INSERT INTO audit_entries (id, task_id, entity, entity_id, action, summary,"
                " before, after, at) VALUES (1, 1, 'tasks', 1, 'create', '', '', '{}',"
                " '2020-01-01')",
            ):
                connection.execute(sa.text(statement))
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            milestones = connection.exec_driver_sql(
                "SELECT id, superseded_at FROM milestones"
            ).all()
            history = connection.exec_driver_sql("SELECT id, task_id FROM audit_entries").all()
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM tasks WHERE id = 1")
        with db.engine.connect() as connection:
            tasks_left = connection.exec_driver_sql("SELECT count(*) FROM tasks").scalar()
        db.engine.dispose()
    _drop_filled_database(app, url)

    assert milestones == [(1, None)]
    assert history == [(1, 1)]
    assert tasks_left == 1


def _drop_filled_database(app: Flask, url: str) -> None:
    """Drop the PostgreSQL database :func:`_filled_database_url` made (SQLite: nothing)."""
    if not url.startswith("postgresql"):
        return
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE "{sa.make_url(url).database}"')
    engine.dispose()


def test_0006_gives_every_user_a_session_token_and_keeps_them(app: Flask, tmp_path: Path) -> None:
    """On a filled database (SQLite file or PostgreSQL): users and their history survive;
    each gets its own session token, no failures, no lock, and its creation as the last
    password change; the downgrade keeps the users too."""
    url = _filled_database_url(app, tmp_path)
    other = create_app({"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": url})
    with other.app_context():
        upgrade(directory=MIGRATIONS, revision="0005")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO units (id, name, created_at) VALUES (1, 'u', '2020-01-01')",
                "INSERT INTO users (id, username, display_name, password_hash, role, unit_id,"
                " active, is_approver, is_unit_head, created_at) VALUES (1, 'office', 'o',"
                " 'pbkdf2:sha256:1000$x$y', 'office', NULL, true, false, false,"
                " '2020-01-01 08:00:00+00:00')",
                "INSERT INTO users (id, username, display_name, password_hash, role, unit_id,"
                " active, is_approver, is_unit_head, created_at) VALUES (2, 'unit01', 'u',"
                " 'pbkdf2:sha256:1000$x$z', 'unit', 1, true, true, true,"
                " '2020-02-01 08:00:00+00:00')",
                "INSERT INTO audit_entries (id, user_id, entity, entity_id, action, summary,"
                " before, after, at) VALUES (1, 1, 'calendar_days', 1, 'create', '', '', '{}',"
                " '2020-01-01')",
            ):
                connection.execute(sa.text(statement))
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            users = connection.exec_driver_sql(
                "SELECT id, username, session_token, failed_logins, failed_since, locked_until,"
                " password_changed_at, created_at FROM users ORDER BY id"
            ).all()
            history = connection.exec_driver_sql("SELECT id, user_id FROM audit_entries").all()
            tables = set(sa.inspect(connection).get_table_names())
        downgrade(directory=MIGRATIONS, revision="0005")
        with db.engine.connect() as connection:
            kept = connection.exec_driver_sql("SELECT id, username FROM users ORDER BY id").all()
            tables_after = set(sa.inspect(connection).get_table_names())
        db.engine.dispose()
    _drop_filled_database(app, url)

    assert [(u.id, u.username) for u in users] == [(1, "office"), (2, "unit01")]
    tokens = [u.session_token for u in users]
    assert len(set(tokens)) == 2 and all(len(t) == 64 and int(t, 16) >= 0 for t in tokens)
    assert [(u.failed_logins, u.failed_since, u.locked_until) for u in users] == [
        (0, None, None),
        (0, None, None),
    ]
    assert [str(u.password_changed_at) for u in users] == [str(u.created_at) for u in users]
    assert history == [(1, 1)]
    assert "password_history" in tables and "password_history" not in tables_after
    assert kept == [(1, "office"), (2, "unit01")]


#: Deliveries stored before 0007, one in each state older code wrote.
OLD_COLUMNS = ("id", "channel", "status", "attempts", "error", "next", "sent")
OLD_DELIVERIES = (
    (1, "inbox", "sent", 1, "", None, "2020-10-15 00:01:00"),
    (2, "email", "pending", 2, "邮件发送失败：ConnectionRefusedError", "2020-10-15 00:06:00", None),
    (3, "webhook", "failed", 6, "机器人返回 HTTP 500", None, None),
    (4, "sms", "skipped", 1, "no address", None, None),
)


def test_0007_keeps_every_delivery_and_checks_the_states(app: Flask, tmp_path: Path) -> None:
    """On a filled database (SQLite file or PostgreSQL): every delivery keeps its state,
    attempts and error through the upgrade, unclaimed; afterwards "sending" is a state and
    an unknown one is refused; a downgrade puts unconfirmed claims back to "pending"."""
    url = _filled_database_url(app, tmp_path)
    other = create_app({"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": url})
    columns = "id, status, attempts, last_error, next_attempt_at IS NULL, sent_at IS NULL"
    with other.app_context():
        upgrade(directory=MIGRATIONS, revision="0005")
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO users (id, username, display_name, password_hash, role,"
                    " active, created_at) VALUES (1, 'zhang', '张三', 'x', 'unit', true,"
                    " '2020-01-01')"
                )
            )
            connection.execute(
                sa.text(
                    "INSERT INTO digests (id, recipient_id, day, subject, body, created_at)"
                    " VALUES (1, 1, '2020-10-15', '提醒', '正文', '2020-10-15')"
                )
            )
            for row in OLD_DELIVERIES:
                connection.execute(
                    sa.text(
                        "INSERT INTO deliveries (id, digest_id, channel, status, attempts,"
                        " last_error, next_attempt_at, sent_at) VALUES (:id, 1, :channel,"
                        " :status, :attempts, :error, :next, :sent)"
                    ),
                    dict(zip(OLD_COLUMNS, row, strict=True)),
                )
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            kept = connection.exec_driver_sql(f"SELECT {columns} FROM deliveries ORDER BY id").all()
            claims = connection.exec_driver_sql("SELECT claimed_at FROM deliveries").scalars().all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "UPDATE deliveries SET status = 'sending', claimed_at = '2020-10-15 00:06:00'"
                " WHERE id = 2"
            )
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE deliveries SET status = 'lost' WHERE id = 1")
        downgrade(directory=MIGRATIONS, revision="0006")
        with db.engine.connect() as connection:
            after_downgrade = connection.exec_driver_sql(
                "SELECT id, status FROM deliveries ORDER BY id"
            ).all()
            names = {c["name"] for c in sa.inspect(connection).get_columns("deliveries")}
        db.engine.dispose()
    _drop_filled_database(app, url)

    assert kept == [
        (i, status, attempts, error, next_at is None, sent is None)
        for i, _, status, attempts, error, next_at, sent in OLD_DELIVERIES
    ]
    assert claims == [None] * len(OLD_DELIVERIES)
    assert after_downgrade == [(1, "sent"), (2, "pending"), (3, "failed"), (4, "skipped")]
    assert "claimed_at" not in names


def test_0009_plans_keeps_every_task_in_force(app: Flask, tmp_path: Path) -> None:
    """On a filled database (SQLite file or PostgreSQL): every task keeps its text and is in
    force (not archived) after the upgrade; staged imports and column choices can be
    stored; a downgrade drops them and keeps the tasks."""
    url = _filled_database_url(app, tmp_path)
    other = create_app({"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": url})
    with other.app_context():
        upgrade(directory=MIGRATIONS, revision="0008")
        with db.engine.begin() as connection:
            for statement in ONE_PLAN:
                connection.execute(sa.text(statement))
            for number in (1, 2):
                connection.execute(
                    sa.text(
                        "INSERT INTO tasks (id, plan_id, measure_id, position, text,"
                        " schedule_text, needs_review, review_reasons) VALUES"
                        " (:id, 1, 1, :id, :text, '2020年完成', false, '')"
                    ),
                    {"id": number, "text": f"任务{number}"},
                )
        upgrade(directory=MIGRATIONS)
        with db.engine.begin() as connection:
            kept = connection.exec_driver_sql(
                "SELECT id, text, archived_at FROM tasks ORDER BY id"
            ).all()
            connection.execute(
                sa.text(
                    "INSERT INTO plan_imports (filename, content, choice, created_at)"
                    " VALUES ('a.xlsx', :content, '{}', '2020-01-01')"
                ),
                {"content": b"PK\x03\x04"},
            )
            connection.exec_driver_sql(
                "INSERT INTO import_column_choices (kind, header, role, updated_at)"
                " VALUES ('plan', '项目', 'task', '2020-01-01')"
            )
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO import_column_choices (kind, header, role, updated_at)"
                " VALUES ('plan', '项目', 'schedule', '2020-01-01')"
            )
        downgrade(directory=MIGRATIONS, revision="0008")
        with db.engine.connect() as connection:
            after = connection.exec_driver_sql("SELECT id, text FROM tasks ORDER BY id").all()
            tables = set(sa.inspect(connection).get_table_names())
        db.engine.dispose()
    _drop_filled_database(app, url)

    assert kept == [(1, "任务1", None), (2, "任务2", None)]
    assert after == [(1, "任务1"), (2, "任务2")]
    assert "plan_imports" not in tables and "import_column_choices" not in tables


def test_0010_adds_briefing_tables_on_a_filled_database(app: Flask, tmp_path: Path) -> None:
    """On a filled database (SQLite file or PostgreSQL): the plan stays; briefings are
    numbered uniquely per plan and year; a downgrade drops only the two new tables."""
    url = _filled_database_url(app, tmp_path)
    other = create_app({"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": url})
    with other.app_context():
        upgrade(directory=MIGRATIONS, revision="0008")
        with db.engine.begin() as connection:
            for statement in ONE_PLAN:
                connection.exec_driver_sql(statement)
        upgrade(directory=MIGRATIONS, revision="0010")
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO briefings (plan_id, year, sequence, as_of, issued_at)"
                " VALUES (1, 2020, 11, '2020-11-20', '2020-11-20')"
            )
            connection.exec_driver_sql(
                "INSERT INTO briefing_schedules (plan_id, cadence) VALUES (1, 'monthly')"
            )
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO briefings (plan_id, year, sequence, as_of, issued_at)"
                " VALUES (1, 2020, 11, '2020-12-01', '2020-12-01')"
            )
        downgrade(directory=MIGRATIONS, revision="0009")
        with db.engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names())
            plans = connection.exec_driver_sql("SELECT id, name FROM plans").all()
        db.engine.dispose()
    _drop_filled_database(app, url)

    assert plans == [(1, "p")]
    assert "briefings" not in tables and "briefing_schedules" not in tables
    assert "task_states" in tables


def test_0011_people_gives_existing_rows_their_defaults(app: Flask, tmp_path: Path) -> None:
    """On a filled database (SQLite file or PostgreSQL): units, users and indicators
    stored before the people migration keep their data and get the defaults (kind
    "other", active, no forced password change, no assessed-unit text, no bonus); a
    downgrade removes the columns and keeps the rows."""
    url = _filled_database_url(app, tmp_path)
    other = create_app({"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": url})
    with other.app_context():
        upgrade(directory=MIGRATIONS, revision="0008")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO units (id, name, created_at) VALUES (1, '市人社局', '2020-01-01')",
                "INSERT INTO users (id, username, display_name, password_hash, role, unit_id,"
                " active, created_at, session_token) VALUES (1, 'zhang', '张三', 'x', 'unit',"
                " 1, true, '2020-01-01', 'token')",
                "INSERT INTO indicator_sets (id, name, source_filename, imported_at)"
                " VALUES (1, '评分表', 'a.docx', '2020-01-01')",
                "INSERT INTO indicators (id, set_id, level, position, code, name, points,"
                " key_points, inspection) VALUES (1, 1, 3, 1, '1', '指标', 5, '', '')",
            ):
                connection.execute(sa.text(statement))
        upgrade(directory=MIGRATIONS, revision="0011")
        with db.engine.connect() as connection:
            unit = connection.exec_driver_sql("SELECT name, kind, active, details FROM units").one()
            user = connection.exec_driver_sql(
                "SELECT username, must_change_password FROM users"
            ).one()
            indicator = connection.exec_driver_sql(
                "SELECT name, units_text, is_bonus FROM indicators"
            ).one()
        downgrade(directory=MIGRATIONS, revision="0010")
        with db.engine.connect() as connection:
            names = {c["name"] for c in sa.inspect(connection).get_columns("units")}
            kept = connection.exec_driver_sql("SELECT count(*) FROM units").scalar()
        db.engine.dispose()
    _drop_filled_database(app, url)

    assert tuple(unit) == ("市人社局", "other", True, "")
    assert tuple(user) == ("zhang", False)
    assert tuple(indicator) == ("指标", "", False)
    assert "kind" not in names and kept == 1


def test_0012_inspect_adds_the_supervision_tables_and_keeps_every_row(
    app: Flask, tmp_path: Path
) -> None:
    """On a filled database (SQLite file or PostgreSQL): the plan, task and unit survive
    the upgrade; a round, its unit, a problem linked to the task and a file can be stored;
    a problem of an unknown unit is refused; the downgrade drops only the new tables."""
    url = _filled_database_url(app, tmp_path)
    other = create_app({"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": url})
    with other.app_context():
        upgrade(directory=MIGRATIONS, revision="0008")
        with db.engine.begin() as connection:
            for statement in (
                *ONE_PLAN,
                "INSERT INTO tasks (id, plan_id, measure_id, position, text, schedule_text,"
                " needs_review, review_reasons) VALUES (1, 1, 1, 1, 't', '', false, '')",
            ):
                connection.execute(sa.text(statement))
        upgrade(directory=MIGRATIONS)
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO inspections (id, name, kind, starts_on, ends_on, team, created_at)"
                " VALUES (1, '实地督查', 'on_site', '2020-09-14', '2020-09-18', '', '2020-09-14')",
                "INSERT INTO inspection_units (inspection_id, unit_id) VALUES (1, 1)",
                "INSERT INTO problems (id, unit_id, inspection_id, source, category,"
                " description, requirement, found_on, deadline_workdays, due_on, responsible,"
                " task_id, status, rectification, return_reason, verification, created_at)"
                " VALUES (1, 1, 1, 'inspection', '', '台账不全', '', '2020-09-18', 10,"
                " '2020-10-09', '', 1, 'open', '', '', '', '2020-09-18')",
                "INSERT INTO inspection_files (id, problem_id, original_name, stored_name,"
                " content_type, size_bytes, sha256, uploaded_at) VALUES (1, 1, 'a.pdf',"
                " 'abc', 'application/pdf', 3, 'x', '2020-09-20')",
            ):
                connection.execute(sa.text(statement))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO problems (id, unit_id, source, category, description,"
                " requirement, found_on, deadline_workdays, due_on, responsible, status,"
                " rectification, return_reason, verification, created_at) VALUES (2, 99,"
                " 'public_clue', '', 'x', '', '2020-09-18', 1, '2020-09-21', '', 'open', '',"
                " '', '', '2020-09-18')"
            )
        with db.engine.connect() as connection:
            problems = connection.exec_driver_sql("SELECT id, task_id, status FROM problems").all()
        downgrade(directory=MIGRATIONS, revision="0011")
        with db.engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names())
            tasks = connection.exec_driver_sql("SELECT id FROM tasks").scalars().all()
        db.engine.dispose()
    _drop_filled_database(app, url)

    assert problems == [(1, 1, "open")]
    assert tasks == [1]
    assert not tables & {"inspections", "problems", "inspection_files", "debriefings"}


def test_0013_scan_keeps_every_task_state_and_adds_no_fingerprint(
    app: Flask, tmp_path: Path
) -> None:
    """On a filled database (SQLite file or PostgreSQL): the task states stored before
    the fingerprint keep their values and get none (assessed again once); a downgrade
    drops the column and keeps the rows."""
    url = _filled_database_url(app, tmp_path)
    other = create_app({"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": url})
    row = "SELECT task_id, as_of, state, expected, actual{} FROM task_states"
    with other.app_context():
        upgrade(directory=MIGRATIONS, revision="0008")
        with db.engine.begin() as connection:
            for statement in (
                *ONE_PLAN,
                "INSERT INTO tasks (id, plan_id, measure_id, position, text, schedule_text,"
                " needs_review, review_reasons) VALUES (1, 1, 1, 1, 't', '', false, '')",
                "INSERT INTO task_states (id, task_id, plan_id, as_of, state, expected,"
                " actual, scanned_at) VALUES (1, 1, 1, '2020-11-20', 'behind', 35.0, 21.0,"
                " '2020-11-20 01:00:00')",
            ):
                connection.execute(sa.text(statement))
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            upgraded = connection.exec_driver_sql(row.format(", fingerprint")).all()
        downgrade(directory=MIGRATIONS, revision="0012")
        with db.engine.connect() as connection:
            downgraded = connection.exec_driver_sql(row.format("")).all()
            names = {c["name"] for c in sa.inspect(connection).get_columns("task_states")}
        db.engine.dispose()
    _drop_filled_database(app, url)

    assert [tuple(r) for r in upgraded] == [(1, _day(upgraded), "behind", 35.0, 21.0, None)]
    assert [tuple(r) for r in downgraded] == [(1, _day(downgraded), "behind", 35.0, 21.0)]
    assert "fingerprint" not in names


def _day(rows: list[sa.Row]) -> object:
    """The stored day as the driver gives it back (a date, or text on SQLite)."""
    day = rows[0][1]
    assert str(day) == "2020-11-20"
    return day


def test_0014_relative_keeps_every_milestone_absolute(app: Flask, tmp_path: Path) -> None:
    """On a filled database (SQLite file or PostgreSQL): every milestone keeps its target and
    is absolute (no relative columns set) after the upgrade; a relative one can be stored
    with its base; a downgrade drops the columns and keeps the milestones."""
    url = _filled_database_url(app, tmp_path)
    other = create_app({"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": url})
    with other.app_context():
        upgrade(directory=MIGRATIONS, revision="0009")
        with db.engine.begin() as connection:
            for statement in ONE_PLAN:
                connection.execute(sa.text(statement))
            connection.exec_driver_sql(
                "INSERT INTO tasks (id, plan_id, measure_id, position, text, schedule_text,"
                " needs_review, review_reasons) VALUES (1, 1, 1, 1, '任务', '2020年达到二成',"
                " false, '')"
            )
            connection.exec_driver_sql(
                "INSERT INTO milestones (id, task_id, position, kind, due, comparator,"
                " target_value, unit, source) VALUES"
                " (1, 1, 1, 'level', '2020-12-31', '>=', 20, 'pct', '2020年达到二成')"
            )
        upgrade(directory=MIGRATIONS, revision="0014")
        with db.engine.begin() as connection:
            kept = connection.exec_driver_sql(
                "SELECT id, target_value, relative_kind, relative_base_year, relative_amount,"
                " base_value FROM milestones"
            ).all()
            connection.exec_driver_sql(
                "INSERT INTO milestones (id, task_id, position, kind, due, comparator, unit,"
                " source, relative_kind, relative_base_year, relative_amount, base_value)"
                " VALUES (2, 1, 2, 'level', '2025-12-31', '<=', NULL, '较2022年下降八成',"
                " 'percent_change', 2022, -8, 100)"
            )
            stored = connection.exec_driver_sql(
                "SELECT relative_kind, relative_base_year, relative_amount, base_value"
                " FROM milestones WHERE id = 2"
            ).one()
        downgrade(directory=MIGRATIONS, revision="0013")
        with db.engine.connect() as connection:
            after = connection.exec_driver_sql(
                "SELECT id, target_value FROM milestones ORDER BY id"
            ).all()
            columns = {c["name"] for c in sa.inspect(connection).get_columns("milestones")}
        db.engine.dispose()
    _drop_filled_database(app, url)

    assert kept == [(1, 20.0, None, None, None, None)]
    assert tuple(stored) == ("percent_change", 2022, -8.0, 100.0)
    assert after == [(1, 20.0), (2, None)]
    assert "relative_kind" not in columns and "base_value" not in columns


def test_0015_queue_migration_makes_every_reminder_a_notification(
    app: Flask, tmp_path: Path
) -> None:
    """On a filled database (SQLite file or PostgreSQL): the reminders of a digest already
    read count as read, the others unread; every one keeps its row and gets an empty link;
    a downgrade drops both columns and keeps the rows."""
    url = _filled_database_url(app, tmp_path)
    other = create_app({"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": url})
    with other.app_context():
        upgrade(directory=MIGRATIONS, revision="0008")
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO users (id, username, display_name, password_hash, role, active,"
                " created_at, session_token) VALUES (1, 'zhang', '张三', 'x', 'unit', true,"
                " '2020-01-01', 't')"
            )
            for digest, read in ((1, "'2020-10-16 08:00:00'"), (2, "NULL")):
                connection.exec_driver_sql(
                    "INSERT INTO digests (id, recipient_id, day, subject, body, created_at,"
                    f" read_at) VALUES ({digest}, 1, '2020-10-1{digest + 4}', '提醒', '正文',"
                    f" '2020-10-15', {read})"
                )
            for reminder, digest in ((1, "1"), (2, "2"), (3, "NULL")):
                connection.exec_driver_sql(
                    "INSERT INTO reminders (id, key, recipient_id, kind, message, as_of,"
                    f" digest_id, created_at) VALUES ({reminder}, 'k{reminder}', 1, 'overdue',"
                    f" '逾期', '2020-10-15', {digest}, '2020-10-15')"
                )
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT id, read_at IS NOT NULL, link FROM reminders ORDER BY id"
            ).all()
        downgrade(directory=MIGRATIONS, revision="0014")
        with db.engine.connect() as connection:
            kept = connection.exec_driver_sql("SELECT id FROM reminders ORDER BY id").all()
            names = {c["name"] for c in sa.inspect(connection).get_columns("reminders")}
        db.engine.dispose()
    _drop_filled_database(app, url)

    assert [(i, bool(read), link) for i, read, link in rows] == [
        (1, True, ""),
        (2, False, ""),
        (3, False, ""),
    ]
    assert kept == [(1,), (2,), (3,)]
    assert not {"read_at", "link"} & names


def test_0016_page_indexes_range_what_changed_since_a_scan(app: Flask, tmp_path: Path) -> None:
    """On a filled database (SQLite file or PostgreSQL): the upgrade adds the indexes of
    report, milestone and closing stamps, keeping every row; a downgrade drops them."""
    url = _filled_database_url(app, tmp_path)
    other = create_app({"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": url})
    names = {"ix_progress_reports_updated_at", "ix_milestones_superseded_at", "ix_tasks_closed_at"}

    def indexes(connection: sa.Connection) -> set[str]:
        found = set()
        for table in ("progress_reports", "milestones", "tasks"):
            found |= {i["name"] or "" for i in sa.inspect(connection).get_indexes(table)}
        return found & names

    with other.app_context():
        upgrade(directory=MIGRATIONS, revision="0015")
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO calendar_years (year, source) VALUES (2020, 'library')"
            )
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            added = indexes(connection)
            years = connection.exec_driver_sql("SELECT year FROM calendar_years").all()
        downgrade(directory=MIGRATIONS, revision="0015")
        with db.engine.connect() as connection:
            left = indexes(connection)
        db.engine.dispose()
    _drop_filled_database(app, url)

    assert added == names
    assert years == [(2020,)]
    assert left == set()
