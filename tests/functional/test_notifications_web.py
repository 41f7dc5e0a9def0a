"""我的提醒 (issue 4 §3, issue 12 §2): every user sees their own notifications — each line of
their digests, and hand-offs at once — newest first, unread ones bold, marks them read (a
digest with every line read is read too), and cannot see or touch anyone else's."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.functional.helpers import add_user, location, login, token
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Digest, Reminder, User


def _digest_for(app: Flask, username: str, day: date, lines: tuple[str, ...]) -> list[int]:
    """A committed digest of ``day`` for ``username`` with one reminder per line; the
    reminders' ids."""
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
        return [reminder.id for reminder in digest.reminders]


def _world(app: Flask) -> tuple[list[int], list[int], list[int]]:
    """Users 王五 (two digests) and 李四 (one); the ids of their reminders, by digest."""
    add_user(app, "wang", Role.OFFICE)
    add_user(app, "li", Role.LEADER)
    older = _digest_for(app, "wang", date(2020, 11, 19), ("旧事项：请于11月25日前报送",))
    newer = _digest_for(
        app, "wang", date(2020, 11, 20), ("任务一三季度进展逾期未报", "任务二里程碑滞后")
    )
    other = _digest_for(app, "li", date(2020, 11, 20), ("李四的督办事项",))
    return older, newer, other


def test_user_sees_own_notifications_newest_first_unread_bold(
    app: Flask, client: FlaskClient
) -> None:
    older, newer, _ = _world(app)
    login(client, "wang")
    page = client.get("/notifications")
    assert page.status_code == 200
    html = page.text
    assert "我的提醒" in html and "（3）" in html  # nav count and page heading
    assert html.index(f'data-notification-id="{newer[0]}"') < html.index(
        f'data-notification-id="{older[0]}"'
    )
    assert "<strong>任务一三季度进展逾期未报</strong>" in html
    assert "任务二里程碑滞后" in html and "旧事项：请于11月25日前报送" in html
    assert "李四的督办事项" not in html


def test_user_marks_a_notification_read_and_its_digest_with_its_last_line(
    app: Flask, client: FlaskClient
) -> None:
    _, newer, _ = _world(app)
    login(client, "wang")
    first, second = newer
    response = client.post(f"/notifications/{first}/read", data={"csrf_token": token(client)})
    assert location(response) == "/notifications"
    html = client.get("/notifications").text
    assert "<strong>任务一三季度进展逾期未报</strong>" not in html
    assert "任务一三季度进展逾期未报" in html
    assert "（2）" in html
    with app.app_context():
        reminder = db.session.get(Reminder, second)
        assert reminder is not None and reminder.digest is not None
        assert reminder.digest.read_at is None  # one line still unread
    client.post(f"/notifications/{second}/read", data={"csrf_token": token(client)})
    with app.app_context():
        reminder = db.session.get(Reminder, second)
        assert reminder is not None and reminder.digest is not None
        assert reminder.read_at is not None and reminder.digest.read_at is not None


def test_someone_elses_notification_is_not_found(app: Flask, client: FlaskClient) -> None:
    _, _, other = _world(app)
    login(client, "wang")
    response = client.post(f"/notifications/{other[0]}/read", data={"csrf_token": token(client)})
    assert response.status_code == 404
    with app.app_context():
        reminder = db.session.get(Reminder, other[0])
        assert reminder is not None and reminder.read_at is None


def test_anonymous_is_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/notifications")
    assert location(response).startswith("/login")
