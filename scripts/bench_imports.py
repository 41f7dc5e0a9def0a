"""How long the imports and the demo load hold SQLite's write lock (issue 18 §1).

Runs each command as a user would (``flask plan import``, ``users import``, ``demo load``)
on a fresh SQLite database and reports, per command, its wall time and the longest span
from a transaction's first write (``BEGIN IMMEDIATE``, ``INSERT``, ``UPDATE``, ``DELETE``)
to its ``COMMIT`` or ``ROLLBACK`` — the time every other writer waits — with the number of
such write transactions. Tables are made by repeating the Cixi rows (``--rows``).

    PYTHONPATH=. python scripts/bench_imports.py --rows 57 500 10000 --users 2000 --demo
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event

from tracker.extensions import db
from tracker.io.tables import ResponsibilityTable
from tracker.services import plans

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "cixi-key-tasks.xlsx"
WRITES = ("BEGIN IMMEDIATE", "INSERT", "UPDATE", "DELETE")


@dataclass
class LockWatch:
    """Write transactions seen on an engine: the span (s) of each, first write to end."""

    spans: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    first: list[str] = field(default_factory=list)
    _start: float | None = None
    _count: int = 0

    def statement(self, text: str) -> None:
        """A statement is about to run."""
        if self._start is None and _writes_database(text):
            self._start, self._count = time.perf_counter(), 0
            self.first.append(" ".join(text.split())[:60])
        if self._start is not None:
            self._count += 1

    def end(self) -> None:
        """The transaction committed or rolled back."""
        if self._start is not None:
            self.spans.append(time.perf_counter() - self._start)
            self.statements.append(self._count)
            self._start = None

    @property
    def longest(self) -> float:
        """The longest write transaction (s)."""
        return max(self.spans, default=0.0)


def _writes_database(text: str) -> bool:
    """True for a statement that takes SQLite's write lock: a write, but not one into the
    connection's temporary tables (``stage_…``), whose lock nobody else waits for."""
    words = text.split()
    if not words or not text.lstrip().upper().startswith(WRITES):
        return False
    return not any(word.startswith(("stage_", "temp.")) for word in words[:3])


@contextmanager
def watched(engine: sa.Engine) -> Iterator[LockWatch]:
    """Watch ``engine``'s write transactions while the block runs."""
    watch = LockWatch()

    def before(_c: object, _cur: object, text: str, *_a: object) -> None:
        watch.statement(text)

    def ended(_c: object) -> None:
        watch.end()

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "commit", ended)
    event.listen(engine, "rollback", ended)
    try:
        yield watch
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "commit", ended)
        event.remove(engine, "rollback", ended)


def plan_sheet(rows: int, path: Path, seed: ResponsibilityTable) -> Path:
    """A flat .xlsx responsibility table of ``rows`` task rows: the seed's rows repeated,
    each copy's task text and category marked with its number."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([f"{seed.title.splitlines()[-1]}（{rows}行）"])
    sheet.append(["主要举措", "举措", "责任分解", "时间进度", "牵头单位", "配合单位"])
    for index in range(rows):
        row = seed.rows[index % len(seed.rows)]
        copy = index // len(seed.rows) + 1
        sheet.append(
            [
                f"{row.category}（{copy}）",
                row.measure,
                f"{row.task}（第{copy}批）",
                row.schedule,
                "、".join(unit.name for unit in row.lead_units),
                "、".join(unit.name for unit in row.cooperating_units),
            ]
        )
    book.save(path)
    return path


def users_sheet(count: int, path: Path, units: list[str]) -> Path:
    """An .xlsx list of ``count`` unit users spread over ``units``."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["用户名", "角色", "姓名", "单位", "邮箱"])
    for index in range(count):
        sheet.append(
            [f"bench{index:05d}", "单位填报员", f"填报员{index}", units[index % len(units)], ""]
        )
    book.save(path)
    return path


def run(app: Flask, *args: str) -> tuple[float, LockWatch, str]:
    """Run the CLI command ``args``; its wall time, write transactions and output."""
    runner = app.test_cli_runner()
    with app.app_context(), watched(db.engine) as watch:
        started = time.perf_counter()
        result = runner.invoke(args=list(args))
        wall = time.perf_counter() - started
    if result.exit_code != 0:
        import traceback

        traceback.print_exception(result.exception)
        raise SystemExit(f"{' '.join(args)} failed: {result.output}") from result.exception
    return wall, watch, result.output


def say(what: str, wall: float, watch: LockWatch) -> None:
    """One line of the report, with the load average."""
    load = os.getloadavg()[0]
    print(
        f"{what:<34} wall {wall:7.2f} s  longest write lock {watch.longest * 1000:8.1f} ms  "
        f"write transactions {len(watch.spans):4d}  statements in the longest "
        f"{watch.statements[watch.spans.index(watch.longest)] if watch.spans else 0:6d}  "
        f"load {load:.2f}"
    )


def longest(watch: LockWatch, count: int = 3) -> None:
    """The ``count`` longest write transactions, by their first write."""
    for span, first in sorted(zip(watch.spans, watch.first, strict=True), reverse=True)[:count]:
        print(f"    {span * 1000:8.1f} ms  {first}")


def main() -> None:
    """Measure the commands named by the options."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="*", default=[57, 500, 10000])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--demo", action="store_true")
    options = parser.parse_args()
    from flask_migrate import upgrade

    from scripts.bench_data import make_app

    with tempfile.TemporaryDirectory(prefix="bench-imports-") as folder:
        app = make_app(f"sqlite:///{folder}/bench.db")
        with app.app_context():
            upgrade(directory=str(REPO / "migrations"))
            seed = plans.read_table(SEED)
        for rows in options.rows:
            sheet = plan_sheet(rows, Path(folder) / f"plan-{rows}.xlsx", seed)
            wall, watch, _ = run(app, "plan", "import", str(sheet), "--period", "2019-2025")
            say(f"plan import {rows} rows", wall, watch)
        if options.users:
            with app.app_context():
                units = list(db.session.scalars(sa.text("SELECT name FROM units")))
            sheet = users_sheet(options.users, Path(folder) / "users.xlsx", units or ["市总工会"])
            wall, watch, _ = run(app, "users", "import", str(sheet), "--json")
            say(f"users import {options.users}", wall, watch)
        if options.demo:
            demo = make_app(f"sqlite:///{folder}/demo.db")
            with demo.app_context():
                upgrade(directory=str(REPO / "migrations"))
            wall, watch, _ = run(demo, "demo", "load")
            say("demo load", wall, watch)
            longest(watch)


if __name__ == "__main__":
    main()
