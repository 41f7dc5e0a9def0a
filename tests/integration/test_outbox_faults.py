"""Nothing lost, nothing sent twice (issue 9 §2): real ``flask --app tracker remind …``
processes on the suite's database (the SQLite file, or PostgreSQL under
``TRACKER_TEST_DATABASE_URL``), sending to a real local SMTP server (aiosmtpd) and a local
WeCom robot, are killed with SIGKILL at each step of a reminder pass and of a delivery run
(``TRACKER_TEST_KILL_AT``, see ``tracker/services/channels/faults.py``), then run again.

A pass writes in brief chunks of its own (issue 18 §1): a pass killed at any point leaves
only whole chunks — every notice stored with the reminder naming its number, every digest
with its reminders and its deliveries — and the next pass completes it. After the rerun
every reminder is in exactly one digest, every digest has reached every channel; the only
message that may have arrived twice is the one delivery in flight at the kill, and both
copies carry the same Message-ID (e-mail) or 提醒编号 (robot). Supervision notice numbers
run 1, 2, 3 … with no gap and no double. Run with ``-s`` to see the kills and the
duplicates per case.

The plan is Cixi's on 2020-10-19: the 2020Q3 reports (due 2020-10-14) are overdue and
escalated to a supervision notice to the unit head, so the pass issues notices, makes
digests for the unit, its head and the office, and records three deliveries each.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskCliRunner

from config.settings import Settings
from tests.functional.helpers import LEAD_UNIT, add_user, import_cixi
from tests.paths import REPO
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Delivery, Digest, Reminder, SupervisionNotice, Task, User
from tracker.services import calendar as calendar_service
from tracker.services.reminders import run_reminders

DAY = "2020-10-19"
OPEN_TASKS = 4
CHANNELS = ("inbox", "email", "webhook")
REFERENCE = re.compile(r"〔提醒编号 (D\d+)〕")
KILLED = -signal.SIGKILL


@dataclass
class Receivers:
    """What the local SMTP server and robot received: Message-IDs and 提醒编号, in order."""

    mail: list[str] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)
    smtp_port: int = 0
    robot_url: str = ""


class _Mailbox:
    def __init__(self, receivers: Receivers) -> None:
        self.receivers = receivers

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)  # type: ignore[attr-defined]
        self.receivers.mail.append(str(message["Message-ID"]))
        return "250 Message accepted for delivery"


@pytest.fixture
def receivers() -> Iterator[Receivers]:
    """A local SMTP server and a WeCom robot on 127.0.0.1, recording what they get."""
    state = Receivers()
    with socket.socket() as probe:  # aiosmtpd checks its own port, so it needs a fixed one
        probe.bind(("127.0.0.1", 0))
        state.smtp_port = probe.getsockname()[1]
    smtp = Controller(_Mailbox(state), hostname="127.0.0.1", port=state.smtp_port)
    smtp.start()

    class Robot(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            found = REFERENCE.search(body["markdown"]["content"])
            state.posts.append(found.group(1) if found else "?")
            answer = b'{"errcode": 0, "errmsg": "ok"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    robot = ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    threading.Thread(target=robot.serve_forever, daemon=True).start()
    state.robot_url = f"http://127.0.0.1:{robot.server_address[1]}/cgi-bin/webhook/send?key=k"
    yield state
    robot.shutdown()
    robot.server_close()
    smtp.stop()


@pytest.fixture
def cixi(app: Flask, runner: FlaskCliRunner) -> None:
    """The Cixi plan and calendar, committed, with all but its first :data:`OPEN_TASKS`
    tasks closed (fewer notices to write: each process here starts in seconds, not
    minutes); the office, a reporter of 市委组织部 and its head, each with an e-mail
    address."""
    import_cixi(app, runner)
    add_user(app, "office1", Role.OFFICE)
    add_user(app, "zzb", Role.UNIT, LEAD_UNIT)
    add_user(app, "zzb_head", Role.UNIT, LEAD_UNIT)
    with app.app_context():
        calendar_service.sync_from_library([2019, 2020, 2021])
        for user in db.session.scalars(sa.select(User)):
            user.email = f"{user.username}@example.org"
            user.is_unit_head = user.username == "zzb_head"
        for task in db.session.scalars(sa.select(Task).order_by(Task.id).offset(OPEN_TASKS)):
            task.closed_at = datetime(2020, 1, 1, tzinfo=UTC)
        db.session.commit()


def remind(
    app: Flask,
    receivers: Receivers,
    tmp_path: Path,
    *args: str,
    kill_at: str = "",
    rerun: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run ``flask --app tracker remind ARGS`` in a process of its own on the suite's
    database, sending to ``receivers``; killed at ``kill_at`` when given. A ``rerun``
    treats every claim as stale at once, as a run after the claim timeout would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(
        PYTHONPATH=str(REPO),
        TRACKER_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        TRACKER_SECRET_KEY="fault-test",
        TRACKER_UPLOAD_DIR=str(tmp_path / "uploads"),
        TRACKER_SMTP_HOST="127.0.0.1",
        TRACKER_SMTP_PORT=str(receivers.smtp_port),
        TRACKER_SMTP_TLS="none",
        TRACKER_WEBHOOK_URL=receivers.robot_url,
        TRACKER_WEBHOOK_KIND="wecom",
    )
    if kill_at:
        env["TRACKER_TEST_KILL_AT"] = kill_at
    if rerun:
        env["TRACKER_DELIVERY_CLAIM_TIMEOUT_MINUTES"] = "0"
    command = [sys.executable, "-m", "flask", "--app", "tracker", "remind", *args]
    return subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=180, check=False
    )


@dataclass(frozen=True)
class Ledger:
    """What the database holds after the rerun."""

    deliveries: list[tuple[int, int, str, str, int]]  # id, digest id, channel, status, attempts
    digests: int
    undigested: int
    notices: list[tuple[str, int, int, str]]  # prefix, year, sequence, number
    notice_reminders: list[str]
    listed: list[tuple[str, int]]  # each digest's subject and how many reminders it holds
    notice_words: list[str]  # the notice reminders and the office's word of each notice


def ledger(app: Flask) -> Ledger:
    """Read every delivery, digest, reminder and notice as committed."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                Delivery.id, Delivery.digest_id, Delivery.channel, Delivery.status,
                Delivery.attempts,
            ).order_by(Delivery.id)
        ).all()  # fmt: skip
        notices = db.session.execute(
            sa.select(
                SupervisionNotice.prefix, SupervisionNotice.year, SupervisionNotice.sequence,
                SupervisionNotice.number,
            ).order_by(SupervisionNotice.prefix, SupervisionNotice.year, SupervisionNotice.sequence)
        ).all()  # fmt: skip
        messages = db.session.scalars(
            sa.select(Reminder.message).where(Reminder.kind == "notice")
        ).all()
        result = Ledger(
            deliveries=[tuple(r) for r in rows],  # type: ignore[misc]
            digests=db.session.scalar(sa.select(sa.func.count(Digest.id))) or 0,
            undigested=db.session.scalar(
                sa.select(sa.func.count(Reminder.id)).where(Reminder.digest_id.is_(None))
            )
            or 0,
            notices=[tuple(n) for n in notices],  # type: ignore[misc]
            notice_reminders=list(messages),
            notice_words=list(
                db.session.scalars(
                    sa.select(Reminder.message).where(
                        Reminder.kind.in_(["notice", "handoff_notice_issued"])
                    )
                )
            ),
            listed=[
                (subject, count)
                for subject, count in db.session.execute(
                    sa.select(Digest.subject, sa.func.count(Reminder.id))
                    .outerjoin(Reminder, Reminder.digest_id == Digest.id)
                    .group_by(Digest.id, Digest.subject)
                )
            ],
        )
        db.session.remove()
    return result


def duplicates(received: list[str]) -> dict[str, int]:
    """Identities received more than once, with their counts."""
    return {key: n for key, n in Counter(received).items() if n > 1}


def check_whole_chunks(book: Ledger) -> None:
    """What a killed pass left is whole chunks: every digest lists as many reminders as
    its subject counts and has a delivery per channel; every notice stored has the
    word (to the office, and to the unit head if the unit has one) that names its number."""
    for subject, count in book.listed:
        assert subject.endswith(f"（{count}项）"), (subject, count)
    per_digest = Counter(digest for _, digest, _, _, _ in book.deliveries)
    assert len(per_digest) == book.digests
    assert set(per_digest.values()) <= {len(CHANNELS)}
    for *_, number in book.notices:
        assert [m for m in book.notice_words if f"（{number}）" in m], number


def check_nothing_lost(book: Ledger, receivers: Receivers) -> dict[str, int]:
    """Every reminder in exactly one digest (each digest lists what its subject counts),
    every digest reached every channel once or, for the one delivery in flight at the
    kill, twice with the same identity; notices numbered without gap or double. Returns
    the duplicates seen (Message-ID or 提醒编号 → copies)."""
    assert book.digests >= 3 and book.undigested == 0
    check_whole_chunks(book)
    per_digest = Counter(digest for _, digest, _, _, _ in book.deliveries)
    assert set(per_digest.values()) == {len(CHANNELS)}
    assert {status for *_, status, _ in book.deliveries} == {"sent"}
    emails = [
        f"<delivery-{i}@tracker.local>" for i, _, ch, _, _ in book.deliveries if ch == "email"
    ]
    posts = [f"D{i}" for i, _, channel, _, _ in book.deliveries if channel == "webhook"]
    assert sorted(set(receivers.mail)) == sorted(emails)
    assert sorted(set(receivers.posts)) == sorted(posts)
    twice = {**duplicates(receivers.mail), **duplicates(receivers.posts)}
    retried = [i for i, *_, attempts in book.deliveries if attempts > 1]
    assert len(twice) <= 1 and set(twice.values()) <= {2} and len(retried) <= 1
    assert all(key in (f"<delivery-{retried[0]}@tracker.local>", f"D{retried[0]}") for key in twice)
    check_notice_numbers(book)
    return twice


def check_notice_numbers(book: Ledger) -> None:
    """Notices numbered 1…n per prefix and year; every notice reminder (to 市委组织部's
    head) names one of them."""
    assert len(book.notices) > 1, "the pass of 2020-10-19 issues supervision notices"
    series: dict[tuple[str, int], list[int]] = {}
    for prefix, year, sequence, _ in book.notices:
        series.setdefault((prefix, year), []).append(sequence)
    for sequences in series.values():
        assert sequences == list(range(1, len(sequences) + 1))
    numbers = [number for *_, number in book.notices]
    assert len(set(numbers)) == len(numbers)
    assert book.notice_reminders
    for message in book.notice_reminders:
        assert [n for n in numbers if f"（{n}）" in message], message


#: Where a pass is killed: inside a chunk of notices, after its first and its third chunk
#: (some notices, or reminders too, stored), inside the chunk of digests, after the pass,
#: after a claim (the e-mail of the first digest), after the e-mail and after the robot
#: post of the first digest went out, after an outcome. Real subprocesses read and write
#: the suite's database: real commits.
pytestmark = pytest.mark.commits

PASS_KILLS = (
    "notice:2", "chunk:1", "chunk:3", "digest:2", "recorded:1", "claimed:2", "sent:2",
    "sent:3", "marked:4",
)  # fmt: skip
#: Where a delivery run is killed: its first claim, after the second digest's e-mail went
#: out, after the last outcome (deliveries are claimed in id order: inbox, e-mail, robot
#: of each digest in turn).
DELIVERY_KILLS = ("claimed:1", "sent:5", "marked:9")
#: The kills after which one message is expected twice (the e-mail or post in flight).
IN_FLIGHT = {"sent:2", "sent:3", "sent:5"}


@pytest.mark.parametrize("kill_at", PASS_KILLS)
def test_a_pass_killed_at_any_step_loses_nothing_and_doubles_at_most_the_one_in_flight(
    app: Flask, cixi: None, receivers: Receivers, tmp_path: Path, kill_at: str
) -> None:
    killed = remind(app, receivers, tmp_path, "run", "--as-of", DAY, kill_at=kill_at)
    assert killed.returncode == KILLED, killed.stderr
    before = (len(receivers.mail), len(receivers.posts))
    left = ledger(app)
    check_whole_chunks(left)
    if kill_at.split(":")[0] in ("notice", "digest"):  # inside a chunk: none of it kept
        assert left.digests == 0 and not left.deliveries
    in_flight = [row for row in left.deliveries if row[3] == "sending"]
    assert len(in_flight) == (1 if kill_at.split(":")[0] in ("claimed", "sent") else 0)

    rerun = remind(app, receivers, tmp_path, "run", "--as-of", DAY, rerun=True)

    assert rerun.returncode == 0, rerun.stderr
    twice = check_nothing_lost(ledger(app), receivers)
    assert len(twice) == (1 if kill_at in IN_FLIGHT else 0)
    print(f"\nkill remind run at {kill_at}: received before the kill {before}, duplicates {twice}")


def record_pass(app: Flask, receivers: Receivers, set_settings: Callable[..., Settings]) -> None:
    """The pass of :data:`DAY` run here and committed, its deliveries on the three
    channels waiting (as after ``remind run --no-send``)."""
    changed = set_settings(
        "channels",
        smtp_host="127.0.0.1",
        smtp_port=receivers.smtp_port,
        webhook_url=receivers.robot_url,
        webhook_kind="wecom",
    )
    with app.app_context():
        run_reminders(date.fromisoformat(DAY), changed)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 9
    assert receivers.mail == [] and receivers.posts == []


@pytest.mark.parametrize("kill_at", DELIVERY_KILLS)
def test_a_delivery_run_killed_at_any_step_loses_nothing(
    app: Flask,
    cixi: None,
    receivers: Receivers,
    tmp_path: Path,
    set_settings: Callable[..., Settings],
    kill_at: str,
) -> None:
    record_pass(app, receivers, set_settings)
    killed = remind(app, receivers, tmp_path, "deliver", kill_at=kill_at)
    assert killed.returncode == KILLED, killed.stderr

    rerun = remind(app, receivers, tmp_path, "deliver", rerun=True)

    assert rerun.returncode == 0, rerun.stderr
    twice = check_nothing_lost(ledger(app), receivers)
    assert len(twice) == (1 if kill_at in IN_FLIGHT else 0)
    print(f"\nkill remind deliver at {kill_at}: duplicates {twice}")


def test_two_passes_at_once_neither_skip_nor_double(
    app: Flask, cixi: None, receivers: Receivers, tmp_path: Path
) -> None:
    """Two ``remind run`` at the same moment: one records the day (on SQLite the other
    may give up on the lock and roll back), notices are numbered once, every delivery goes
    out exactly once."""
    first, second = _concurrently(app, receivers, tmp_path)
    assert 0 in (first.returncode, second.returncode), first.stderr + second.stderr
    loser = first if first.returncode else second
    again = remind(app, receivers, tmp_path, "run", "--as-of", DAY)
    assert again.returncode == 0, again.stderr
    book = ledger(app)
    assert check_nothing_lost(book, receivers) == {}
    assert max(attempts for *_, attempts in book.deliveries) == 1
    print(
        f"\ntwo passes at once: exit codes {first.returncode}, {second.returncode}; "
        f"no duplicates; {[line for line in loser.stderr.splitlines() if 'Error' in line][-1:]}"
    )


Done = subprocess.CompletedProcess[str]


def _concurrently(app: Flask, receivers: Receivers, tmp_path: Path) -> tuple[Done, Done]:
    """Start two passes in threads at once; how each ended."""
    codes: list[Done] = []

    def run() -> None:
        codes.append(remind(app, receivers, tmp_path, "run", "--as-of", DAY))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes[0], codes[1]
