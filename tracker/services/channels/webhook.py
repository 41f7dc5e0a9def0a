"""Group robots of DingTalk (钉钉) and WeCom (企业微信) over their webhook (stdlib urllib).

DingTalk: ``{"msgtype": "markdown", "markdown": {"title", "text"}}``; when a secret is
set, the URL gets ``&timestamp=<ms>&sign=<urlencode(base64(HMAC-SHA256(secret,
"<ms>\\n<secret>")))>``. WeCom: ``{"msgtype": "markdown", "markdown": {"content"}}``,
no signing. Either robot answers ``{"errcode": 0, …}``; a non-2xx status, an answer that
is not JSON with ``errcode`` 0, or a network error is a failure.

The text ends with the delivery's stable number, "〔提醒编号 D123〕": a message sent again
because the sender died before recording it (issue 9 §2) says so, and can be dropped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from config.settings import ChannelSettings
from tracker.services.channels.base import DeliveryError, Outgoing

KINDS = ("dingtalk", "wecom")


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The URL-encoded DingTalk signature of ``timestamp_ms`` with ``secret``."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """``url`` with DingTalk's ``timestamp`` and ``sign`` parameters appended."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def reference_line(message: Outgoing) -> str:
    """ "〔提醒编号 D123〕": the same on every attempt of one delivery."""
    return f"〔提醒编号 {message.reference}〕"


def payload(kind: str, message: Outgoing) -> dict[str, object]:
    """The robot's markdown message (``kind`` "dingtalk" or "wecom"): subject, recipient,
    the reminder lines, the delivery's number."""
    text = (
        f"### {message.subject}\n\n**收件人**：{message.recipient}\n\n"
        + _markdown_lines(message.text)
        + f"\n\n{reference_line(message)}"
    )
    if kind == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": text}}
    return {"msgtype": "markdown", "markdown": {"title": message.subject, "text": text}}


def _markdown_lines(plain: str) -> str:
    lines = [line.strip() for line in plain.splitlines() if line.strip()]
    return "\n".join(f"- {line.lstrip('·- ')}" if i else line for i, line in enumerate(lines))


class WebhookChannel:
    """Posts each digest to one group robot."""

    name = "webhook"

    def __init__(self, settings: ChannelSettings, clock: Callable[[], float] = time.time) -> None:
        self.url = settings.webhook_url or ""
        self.kind: str = settings.webhook_kind
        secret = settings.webhook_secret
        self.secret = secret.get_secret_value() if secret is not None else ""
        self.timeout = settings.webhook_timeout
        self._clock = clock

    def enabled(self) -> bool:
        """True once a robot URL is set."""
        return bool(self.url)

    def send(self, message: Outgoing) -> None:
        """Post the digest. Raises DeliveryError on an unknown kind, a network error, a
        non-2xx status or an ``errcode`` other than 0."""
        if self.kind not in KINDS:
            raise DeliveryError(f"未知的机器人类型 TRACKER_WEBHOOK_KIND={self.kind!r}")
        body = json.dumps(payload(self.kind, message), ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(
            self._url(),
            data=body,
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        _check_answer(*self._post(request))

    def _url(self) -> str:
        if self.kind == "dingtalk" and self.secret:
            return signed_url(self.url, self.secret, int(self._clock() * 1000))
        return self.url

    def _post(self, request: urllib.request.Request) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(f"机器人请求失败：{type(exc).__name__}: {exc}") from exc


def _check_answer(status: int, raw: bytes) -> None:
    """Raises DeliveryError unless the answer is 2xx JSON with ``errcode`` 0."""
    full = raw.decode("utf-8", "replace")
    text = full[:300]
    if not 200 <= status < 300:
        raise DeliveryError(f"机器人返回 HTTP {status}：{text}")
    try:
        answer = json.loads(full or "{}")
    except ValueError as exc:
        raise DeliveryError(f"机器人返回的不是 JSON：{text}") from exc
    errcode = answer.get("errcode", 0) if isinstance(answer, dict) else None
    if errcode != 0:
        errmsg = answer.get("errmsg", "") if isinstance(answer, dict) else text
        raise DeliveryError(f"机器人拒收：errcode={errcode} {errmsg}")
