"""Reminder channels (issue 4 §3) against real local servers: an SMTP conversation with
aiosmtpd and a DingTalk / WeCom robot played by ``http.server`` in a thread.

Shapes: each test makes a digest for a user with an example.org address, creates its
deliveries and runs :func:`deliver_pending` at a fixed instant, then reads what the
servers received and what the ``deliveries`` rows recorded.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import Flask

from config.settings import ChannelSettings
from tracker import settings as app_settings
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Delivery, Digest, Reminder, User
from tracker.services.channels import (
    backoff,
    create_deliveries,
    deliver_pending,
    enabled_channels,
)
from tracker.services.channels.outbox import Result, claim_next, record_outcome
from tracker.services.channels.webhook import dingtalk_sign

NOW = datetime(2020, 11, 20, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
SUBJECT = "【改革任务台账】2020年11月20日提醒：2项待办"
LINES = ("“非公有制企业党组织覆盖”2020年第三季度进展逾期未报", "市总工会的配合材料尚未确认")
SECRET = "SEC-test-secret-钉钉"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Collector:
    """aiosmtpd handler keeping every envelope it accepts."""

    def __init__(self) -> None:
        self.envelopes: list[object] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@dataclass
class Smtp:
    """A local SMTP server (started with :meth:`start`) and what it received."""

    port: int
    collector: _Collector = field(default_factory=_Collector)
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def messages(self) -> list[tuple[EmailMessage, object]]:
        """(parsed message, envelope) of each mail received."""
        return [
            (message_from_bytes(e.original_content, policy=policy.default), e)  # type: ignore[attr-defined]
            for e in self.collector.envelopes
        ]


@dataclass
class Robot:
    """A local group robot: records each request; ``answer`` is "ok", "500" or
    "errcode" (200 with DingTalk's errcode 310000, a bad signature)."""

    answer: str = "ok"
    requests: list[tuple[str, dict[str, list[str]], dict[str, object]]] = field(
        default_factory=list
    )
    url: str = ""


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    """An SMTP server on a free port of 127.0.0.1, not yet started."""
    server = Smtp(port=_free_port())
    yield server
    server.stop()


@pytest.fixture
def robot() -> Iterator[Robot]:
    """A webhook receiver on 127.0.0.1, answering as ``robot.answer`` says."""
    state = Robot()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            parts = urlsplit(self.path)
            state.requests.append((parts.path, parse_qs(parts.query), json.loads(raw)))
            if state.answer == "500":
                status, answer = 500, {"error": "内部错误"}
            elif state.answer == "errcode":
                status, answer = 200, {"errcode": 310000, "errmsg": "sign not match"}
            else:
                status, answer = 200, {"errcode": 0, "errmsg": "ok"}
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/robot/send?access_token=abc"
    yield state
    server.shutdown()
    server.server_close()


@dataclass
class Channels:
    """The channel settings under test (``TRACKER_SMTP_*``, ``TRACKER_WEBHOOK_*`` …)."""

    settings: ChannelSettings

    def set(self, **changes: object) -> None:
        """Change fields of the settings, validated as at start-up."""
        self.settings = ChannelSettings(**{**self.settings.model_dump(), **changes})


@pytest.fixture
def channels(app: Flask) -> Channels:
    """The channel settings a test builds up (at first the app's: inbox only)."""
    return Channels(app_settings.of(app).channels)


def _use_smtp(channels: Channels, port: int) -> None:
    channels.set(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_tls="",
        smtp_sender="tracker@example.org",
        smtp_timeout=5,
    )


def _use_robot(channels: Channels, robot: Robot, kind: str, secret: str | None) -> None:
    channels.set(webhook_url=robot.url, webhook_kind=kind, webhook_secret=secret, webhook_timeout=5)


def _digest(username: str = "zhang", email: str | None = "zhang@example.org") -> Digest:
    """A committed user and their digest of 2020-11-20 with two reminder lines."""
    user = User(username=username, display_name="张三", role=Role.UNIT, email=email)
    user.set_password("x", method="pbkdf2:sha256:1000")
    body = "您好，截至2020年11月20日有以下事项需要办理：\n" + "\n".join(f"· {t}" for t in LINES)
    digest = Digest(recipient=user, day=date(2020, 11, 20), subject=SUBJECT, body=body)
    db.session.add(digest)
    for i, text in enumerate(LINES):
        db.session.add(
            Reminder(
                key=f"test:{username}:{i}", recipient=user, kind="overdue", message=text,
                as_of=date(2020, 11, 20), digest=digest,
            )
        )  # fmt: skip
    db.session.commit()
    return digest


def _delivery(digest_id: int, channel: str) -> Delivery:
    db.session.expire_all()
    found = db.session.scalar(
        sa.select(Delivery).where(Delivery.digest_id == digest_id, Delivery.channel == channel)
    )
    assert found is not None, channel
    return found


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def test_email_is_off_without_a_host(app_ctx: Flask, channels: Channels) -> None:
    """No SMTP host and no robot URL: only the inbox, which is always delivered."""
    assert [c.name for c in enabled_channels(channels.settings)] == ["inbox"]
    digest = _digest()
    deliveries = create_deliveries(digest, channels.settings, now=NOW)
    db.session.commit()
    assert [d.channel for d in deliveries] == ["inbox"]
    summary = deliver_pending(NOW, channels.settings)
    db.session.commit()
    assert (summary.sent, summary.failed, summary.retrying) == (1, 0, 0)
    assert _delivery(digest.id, "inbox").status == "sent"


def test_email_goes_out_over_smtp_in_chinese(
    app_ctx: Flask, smtp: Smtp, channels: Channels
) -> None:
    """A real SMTP conversation: sender, recipient, decoded Chinese subject and body."""
    smtp.start()
    _use_smtp(channels, smtp.port)
    digest = _digest()
    assert [d.channel for d in create_deliveries(digest, channels.settings, now=NOW)] == [
        "inbox",
        "email",
    ]
    db.session.commit()

    summary = deliver_pending(NOW, channels.settings)
    db.session.commit()

    assert (summary.sent, summary.failed, summary.retrying) == (2, 0, 0)
    [(message, envelope)] = smtp.messages()
    assert envelope.mail_from == "tracker@example.org"  # type: ignore[attr-defined]
    assert envelope.rcpt_tos == ["zhang@example.org"]  # type: ignore[attr-defined]
    assert str(message["Subject"]) == SUBJECT
    assert message["To"].addresses[0].addr_spec == "zhang@example.org"
    assert message["To"].addresses[0].display_name == "张三"
    text = message.get_content()
    assert "截至2020年11月20日有以下事项需要办理" in text
    for line in LINES:
        assert line in text
    email = _delivery(digest.id, "email")
    assert (email.status, email.attempts, email.last_error) == ("sent", 1, "")
    assert _utc(email.sent_at) == _utc(email.claimed_at) == NOW
    assert message["Message-ID"] == f"<delivery-{email.id}@tracker.local>"


def test_recipient_without_address_is_skipped_not_failed(
    app_ctx: Flask, smtp: Smtp, channels: Channels
) -> None:
    """No e-mail address: the delivery is "skipped" with "no address", never retried."""
    smtp.start()
    _use_smtp(channels, smtp.port)
    digest = _digest(email=None)
    create_deliveries(digest, channels.settings, now=NOW)
    summary = deliver_pending(NOW, channels.settings)
    db.session.commit()
    assert (summary.sent, summary.skipped, summary.failed, summary.retrying) == (1, 1, 0, 0)
    email = _delivery(digest.id, "email")
    assert email.status == "skipped" and "no address" in email.last_error
    assert email.next_attempt_at is None
    assert smtp.messages() == []


def test_dingtalk_robot_gets_a_signed_markdown_message(
    app_ctx: Flask, robot: Robot, channels: Channels
) -> None:
    """DingTalk: markdown title/text; timestamp and sign verify with the secret."""
    _use_robot(channels, robot, "dingtalk", SECRET)
    digest = _digest()
    create_deliveries(digest, channels.settings, now=NOW)
    summary = deliver_pending(NOW, channels.settings)
    db.session.commit()

    assert summary.sent == 2
    [(path, query, payload)] = robot.requests
    assert path == "/robot/send" and query["access_token"] == ["abc"]
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]  # parse_qs undid the URL-encoding
    assert abs(int(timestamp) / 1000 - datetime.now(UTC).timestamp()) < 60
    assert payload["msgtype"] == "markdown"
    assert payload["markdown"]["title"] == SUBJECT
    assert "张三" in payload["markdown"]["text"]
    webhook = _delivery(digest.id, "webhook")
    assert payload["markdown"]["text"].endswith(f"〔提醒编号 D{webhook.id}〕")
    for line in LINES:
        assert line in payload["markdown"]["text"]


def test_dingtalk_sign_is_url_encoded() -> None:
    """The sign is base64 of HMAC-SHA256, then URL-encoded ("+", "/", "=" escaped)."""
    sign = dingtalk_sign("secret", 1_600_000_000_000)
    raw = base64.b64encode(
        hmac.new(b"secret", b"1600000000000\nsecret", hashlib.sha256).digest()
    ).decode()
    assert sign == raw.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")


def test_wecom_robot_gets_markdown_content(
    app_ctx: Flask, robot: Robot, channels: Channels
) -> None:
    """WeCom: {"msgtype": "markdown", "markdown": {"content"}}, no signing."""
    _use_robot(channels, robot, "wecom", None)
    digest = _digest()
    create_deliveries(digest, channels.settings, now=NOW)
    assert deliver_pending(NOW, channels.settings).sent == 2
    db.session.commit()
    [(_, query, payload)] = robot.requests
    assert "sign" not in query and "timestamp" not in query
    assert payload["msgtype"] == "markdown"
    assert set(payload["markdown"]) == {"content"}
    assert SUBJECT in payload["markdown"]["content"]
    assert LINES[0] in payload["markdown"]["content"]


def test_failing_channels_are_recorded_and_stop_nothing(
    app_ctx: Flask, smtp: Smtp, robot: Robot, channels: Channels
) -> None:
    """SMTP on a closed port and a robot answering 500: both recorded with attempts,
    error and the next try in 1 minute; the inbox goes out all the same."""
    _use_smtp(channels, smtp.port)  # nothing listens there yet
    _use_robot(channels, robot, "dingtalk", SECRET)
    robot.answer = "500"
    digest = _digest()
    create_deliveries(digest, channels.settings, now=NOW)

    summary = deliver_pending(NOW, channels.settings)
    db.session.commit()

    assert (summary.sent, summary.failed, summary.retrying) == (1, 0, 2)
    assert _delivery(digest.id, "inbox").status == "sent"
    for channel, words in (("email", "邮件发送失败"), ("webhook", "HTTP 500")):
        delivery = _delivery(digest.id, channel)
        assert delivery.status == "pending" and delivery.attempts == 1
        assert words in delivery.last_error
        assert _utc(delivery.next_attempt_at) == NOW + timedelta(minutes=1)


def test_robot_refusal_does_not_stop_email(
    app_ctx: Flask, smtp: Smtp, robot: Robot, channels: Channels
) -> None:
    """A robot answering errcode 310000 fails alone; the e-mail still goes out."""
    smtp.start()
    _use_smtp(channels, smtp.port)
    _use_robot(channels, robot, "dingtalk", "wrong-secret")
    robot.answer = "errcode"
    digest = _digest()
    create_deliveries(digest, channels.settings, now=NOW)
    summary = deliver_pending(NOW, channels.settings)
    db.session.commit()
    assert (summary.sent, summary.retrying) == (2, 1)
    assert len(smtp.messages()) == 1
    webhook = _delivery(digest.id, "webhook")
    assert "errcode=310000" in webhook.last_error and webhook.attempts == 1


def test_retry_after_backoff_succeeds_once_servers_are_back(
    app_ctx: Flask, smtp: Smtp, robot: Robot, channels: Channels
) -> None:
    """Nothing is retried before the backoff ends; afterwards both channels succeed."""
    _use_smtp(channels, smtp.port)
    _use_robot(channels, robot, "wecom", None)
    robot.answer = "500"
    digest = _digest()
    create_deliveries(digest, channels.settings, now=NOW)
    assert deliver_pending(NOW, channels.settings).retrying == 2
    db.session.commit()

    early = deliver_pending(NOW + timedelta(seconds=30), channels.settings)
    assert (early.sent, early.failed, early.retrying) == (0, 0, 0)

    smtp.start()
    robot.answer = "ok"
    later = NOW + timedelta(minutes=1)
    summary = deliver_pending(later, channels.settings)
    db.session.commit()
    assert (summary.sent, summary.failed, summary.retrying) == (2, 0, 0)
    for channel in ("email", "webhook"):
        delivery = _delivery(digest.id, channel)
        assert (delivery.status, delivery.attempts) == ("sent", 2)
        assert _utc(delivery.sent_at) == later
    assert len(smtp.messages()) == 1 and len(robot.requests) == 2


def test_delivery_fails_for_good_after_max_attempts_and_is_kept(
    app_ctx: Flask, robot: Robot, channels: Channels
) -> None:
    """Backoff 1, 5 … minutes; after TRACKER_DELIVERY_MAX_ATTEMPTS it is "failed"."""
    _use_robot(channels, robot, "wecom", None)
    channels.set(delivery_max_attempts=3)
    robot.answer = "500"
    digest = _digest()
    create_deliveries(digest, channels.settings, now=NOW)
    moment = NOW
    outcomes = []
    for _ in range(3):
        summary = deliver_pending(moment, channels.settings)
        outcomes.append((summary.retrying, summary.failed))
        webhook = _delivery(digest.id, "webhook")
        if webhook.next_attempt_at is not None:
            moment = _utc(webhook.next_attempt_at)
    db.session.commit()
    assert outcomes == [(1, 0), (1, 0), (0, 1)]
    assert moment == NOW + timedelta(minutes=1) + timedelta(minutes=5)
    webhook = _delivery(digest.id, "webhook")
    assert (webhook.status, webhook.attempts, webhook.next_attempt_at) == ("failed", 3, None)
    assert deliver_pending(NOW + timedelta(days=1), channels.settings).failed == 0


def test_create_deliveries_twice_adds_nothing(
    app_ctx: Flask, robot: Robot, channels: Channels
) -> None:
    """One delivery per digest and channel, however often it is asked for."""
    _use_robot(channels, robot, "wecom", None)
    digest = _digest()
    first = create_deliveries(digest, channels.settings, now=NOW)
    second = create_deliveries(digest, channels.settings, now=NOW)
    db.session.commit()
    assert [d.id for d in first] == [d.id for d in second]
    count = db.session.scalar(sa.select(sa.func.count(Delivery.id)))
    assert count == 2


def test_backoff_steps() -> None:
    """1, 5, 15, 60, 240, 240 … minutes."""
    assert [backoff(n).total_seconds() / 60 for n in range(1, 8)] == [1, 5, 15, 60, 240, 240, 240]


def _claim_and_die(now: datetime, channels: Channels) -> int:
    """Claim the next due delivery at ``now`` and commit, as a sender killed right after
    its claim would leave it; the delivery's id."""
    timeout = timedelta(minutes=channels.settings.delivery_claim_timeout_minutes)
    claim = claim_next(now, timeout, channels.settings.delivery_max_attempts)
    db.session.commit()
    assert claim is not None
    return claim.delivery_id


def test_a_claim_is_sent_again_only_after_the_claim_timeout(
    app_ctx: Flask, smtp: Smtp, channels: Channels
) -> None:
    """A sender died after claiming the e-mail: for 10 minutes nobody touches it, then it
    goes out (attempt 2) with the Message-ID every attempt of that delivery carries."""
    smtp.start()
    _use_smtp(channels, smtp.port)
    digest = _digest()
    create_deliveries(digest, channels.settings, now=NOW)
    db.session.commit()
    inbox_id = _claim_and_die(NOW, channels)
    email_id = _claim_and_die(NOW, channels)
    assert _delivery(digest.id, "email").id == email_id != inbox_id
    assert _delivery(digest.id, "email").status == "sending"

    early = deliver_pending(NOW + timedelta(minutes=9), channels.settings)
    db.session.commit()
    assert early.sent == 0 and smtp.messages() == []

    later = NOW + timedelta(minutes=10, seconds=1)
    assert deliver_pending(later, channels.settings).sent == 2
    db.session.commit()
    [(message, _)] = smtp.messages()
    assert message["Message-ID"] == f"<delivery-{email_id}@tracker.local>"
    email = _delivery(digest.id, "email")
    assert (email.status, email.attempts, _utc(email.claimed_at)) == ("sent", 2, later)


def test_a_stale_claim_of_the_last_attempt_fails_without_sending(
    app_ctx: Flask, robot: Robot, channels: Channels
) -> None:
    """No attempts left: the stale claim is given up, not sent a further time."""
    _use_robot(channels, robot, "wecom", None)
    channels.set(delivery_max_attempts=1, delivery_claim_timeout_minutes=1)
    digest = _digest()
    create_deliveries(digest, channels.settings, now=NOW)
    db.session.commit()
    _claim_and_die(NOW, channels)
    _claim_and_die(NOW, channels)

    summary = deliver_pending(NOW + timedelta(minutes=2), channels.settings)
    db.session.commit()

    assert (summary.sent, summary.failed) == (0, 2)
    assert robot.requests == []
    webhook = _delivery(digest.id, "webhook")
    assert (webhook.status, webhook.attempts) == ("failed", 1)
    assert "未能确认是否送达" in webhook.last_error


def test_a_late_outcome_does_not_overwrite_a_later_claim(
    app_ctx: Flask, robot: Robot, channels: Channels
) -> None:
    """A slow sender's failure arrives after its claim timed out and a second sender sent
    the delivery: the delivery stays sent."""
    _use_robot(channels, robot, "wecom", None)
    channels.set(delivery_claim_timeout_minutes=1)
    digest = _digest()
    create_deliveries(digest, channels.settings, now=NOW)
    db.session.commit()
    timeout, attempts = timedelta(minutes=1), channels.settings.delivery_max_attempts
    first = claim_next(NOW, timeout, attempts)
    second = claim_next(NOW, timeout, attempts)  # the webhook, claimed by the slow sender
    assert first is not None and second is not None and second.channel == "webhook"
    db.session.commit()
    assert deliver_pending(NOW + timedelta(minutes=2), channels.settings).sent == 2
    db.session.commit()

    late = record_outcome(second, Result("error", "超时"), NOW + timedelta(minutes=3), attempts)
    db.session.commit()

    assert late is None
    webhook = _delivery(digest.id, "webhook")
    assert (webhook.status, webhook.attempts, webhook.last_error) == ("sent", 2, "")
