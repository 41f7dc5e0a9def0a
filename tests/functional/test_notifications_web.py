"""我的提醒 (issue 4 §3): every user sees their own daily digests, newest first, unread
ones bold, marks them read, and cannot see or touch anyone else's."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.functional.helpers import add_user, location, login, token
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Digest, Reminder, User


def _digest_for(app: Flask, username: str, day: date, lines: tuple[str, ...]) -> int:
    """A committed digest of ``day`` for ``username`` with one reminder per line."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        assert user is not None
        digest = Digest(
            recipient=user,
            day=day,
            subject=f"{day.month}月{day.day}日提醒：{len(lines)}项待办",
            body="\n".join(lines),
        )
        db.session.add(digest)
        for i, line in enumerate(lines):
            db.session.add(
                Reminder(
                    key=f"web:{username}:{day}:{i}", recipient=user, kind="due_soon",
                    message=line, as_of=day, digest=digest,
                )
            )  # fmt: skip
        db.session.commit()
        return digest.id


def _world(app: Flask) -> tuple[int, int, int]:
    """Users 王五 (two digests) and 李四 (one); the ids of 王五's and 李四's digests."""
    add_user(app, "wang", Role.OFFICE)
    add_user(app, "li", Role.LEADER)
    older = _digest_for(app, "wang", date(2020, 11, 19), ("旧事项：请于11月25日前报送",))
    newer = _digest_for(
        app, "wang", date(2020, 11, 20), ("任务一三季度进展逾期未报", "任务二里程碑滞后")
    )
    other = _digest_for(app, "li", date(2020, 11, 20), ("李四的督办事项",))
    return older, newer, other


def test_user_sees_own_digests_newest_first_unread_bold(app: Flask, client: FlaskClient) -> None:
    older, newer, _ = _world(app)
    login(client, "wang")
    page = client.get("/notifications")
    assert page.status_code == 200
    html = page.text
    assert "我的提醒" in html and "（2）" in html  # nav count and page heading
    assert html.index(f'data-digest-id="{newer}"') < html.index(f'data-digest-id="{older}"')
    assert "<strong>任务一三季度进展逾期未报</strong>" in html
    assert "任务二里程碑滞后" in html and "旧事项：请于11月25日前报送" in html
    assert "李四的督办事项" not in html


def test_user_marks_a_digest_read(app: Flask, client: FlaskClient) -> None:
    _, newer, _ = _world(app)
    login(client, "wang")
    response = client.post(f"/notifications/{newer}/read", data={"csrf_token": token(client)})
    assert location(response) == "/notifications"
    with app.app_context():
        digest = db.session.get(Digest, newer)
        assert digest is not None and digest.read_at is not None
    html = client.get("/notifications").text
    assert "<strong>任务一三季度进展逾期未报</strong>" not in html
    assert "任务一三季度进展逾期未报" in html
    assert "（1）" in html


def test_someone_elses_digest_is_not_found(app: Flask, client: FlaskClient) -> None:
    _, _, other = _world(app)
    login(client, "wang")
    response = client.post(f"/notifications/{other}/read", data={"csrf_token": token(client)})
    assert response.status_code == 404
    with app.app_context():
        digest = db.session.get(Digest, other)
        assert digest is not None and digest.read_at is None


def test_anonymous_is_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/notifications")
    assert location(response).startswith("/login")
