"""The shape of the code (DESIGN §7, docs/ARCHITECTURE.md), read from the source with
:mod:`ast`, no app:

(a) nothing in ``tracker/`` commits ``db.session`` except :mod:`tracker.unit_of_work`;
(b) every view function in ``tracker/web`` (decorated with a blueprint's ``route``/``get``/
    ``post``/…) is at most :data:`MAX_VIEW_LINES` lines, and their median at most
    :data:`MAX_MEDIAN_VIEW_LINES` (the def line through the last line, decorators excluded);
(c) no module in ``tracker/`` is over :data:`MAX_MODULE_LINES` lines.

Run with ``-s`` to see the figures (median and longest view, longest module).
"""

from __future__ import annotations

import ast
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.paths import REPO

TRACKER = REPO / "tracker"
WEB = TRACKER / "web"

MAX_VIEW_LINES = 30
MAX_MEDIAN_VIEW_LINES = 15
MAX_MODULE_LINES = 400

#: The one module that may commit the session.
UNIT_OF_WORK = "tracker/unit_of_work.py"

#: Decorator names that make a function a view when called on a blueprint (``@bp.get(…)``).
ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete"})


@dataclass(frozen=True, slots=True)
class View:
    """A view function: where it is ("path::name") and its length in lines."""

    name: str
    lines: int


def _modules(root: Path) -> Iterator[tuple[str, ast.Module, str]]:
    """(repository-relative path, parsed tree, source) of every module under ``root``."""
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        yield path.relative_to(REPO).as_posix(), ast.parse(source, str(path)), source


def _is_session_commit(node: ast.AST) -> bool:
    """``<…>.session.commit()`` (``db.session``, ``self.session`` …) or ``session.commit()``."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return False
    if node.func.attr != "commit":
        return False
    owner = node.func.value
    return (isinstance(owner, ast.Attribute) and owner.attr == "session") or (
        isinstance(owner, ast.Name) and owner.id == "session"
    )


def _is_route(decorator: ast.expr) -> bool:
    """``@bp.route(…)``, ``@api.get(…)`` …: a call of a route method on a blueprint name."""
    return (
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr in ROUTE_DECORATORS
        and isinstance(decorator.func.value, ast.Name)
    )


def _views() -> list[View]:
    """Every view function in ``tracker/web``; ``lineno`` is the def line (decorators are
    not counted)."""
    found = []
    for path, tree, _ in _modules(WEB):
        for node in ast.walk(tree):
            is_function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            if is_function and any(_is_route(d) for d in node.decorator_list):
                assert node.end_lineno is not None
                found.append(View(f"{path}::{node.name}", node.end_lineno - node.lineno + 1))
    return found


def test_only_the_unit_of_work_commits() -> None:
    offenders = {
        path
        for path, tree, _ in _modules(TRACKER)
        if path != UNIT_OF_WORK and any(_is_session_commit(n) for n in ast.walk(tree))
    }
    print(f"\nmodules that commit besides {UNIT_OF_WORK}: {sorted(offenders)}")
    assert sorted(offenders) == [], "modules calling session.commit()"


def test_the_finder_sees_views_and_commits() -> None:
    """The checks above would pass vacuously if the finders missed everything."""
    names = {view.name for view in _views()}
    assert "tracker/web/tasks/views.py::report" in names
    assert "tracker/web/ledger/views.py::plan_ledger" in names
    assert _is_session_commit(ast.parse("db.session.commit()").body[0].value)  # type: ignore[attr-defined]
    assert not _is_session_commit(ast.parse("savepoint.commit()").body[0].value)  # type: ignore[attr-defined]


def test_views_are_short() -> None:
    views = _views()
    lengths = [view.lines for view in views]
    median = statistics.median(lengths)
    longest = max(views, key=lambda view: view.lines)
    figures = f"{len(views)} views: median {median} lines, max {longest.lines} ({longest.name})"
    print(f"\n{figures}")
    long_views = {view.name: view.lines for view in views if view.lines > MAX_VIEW_LINES}
    for name, lines in sorted(long_views.items()):
        print(f"  over {MAX_VIEW_LINES}: {name} {lines} lines")
    assert median <= MAX_MEDIAN_VIEW_LINES, figures
    assert long_views == {}, f"views over {MAX_VIEW_LINES} lines"


def test_modules_are_short() -> None:
    sizes = {path: len(source.splitlines()) for path, _, source in _modules(TRACKER)}
    longest = max(sizes, key=sizes.__getitem__)
    print(f"\n{len(sizes)} modules: longest {longest} {sizes[longest]} lines")
    offenders = {path for path, size in sizes.items() if size > MAX_MODULE_LINES}
    for path in sorted(offenders):
        print(f"  over {MAX_MODULE_LINES}: {path} {sizes[path]} lines")
    assert sorted(offenders) == [], f"modules over {MAX_MODULE_LINES} lines"
