"""E-mail over SMTP (stdlib ``smtplib`` and ``email.message.EmailMessage``).

Off while ``TRACKER_SMTP_HOST`` is unset. The subject and body are the digest's own
Chinese texts, encoded as UTF-8 (RFC 2047 subject, UTF-8 text body). A recipient without
an e-mail address cannot be mailed: the delivery is recorded as "skipped" with the reason
"no address" (not a failure, not retried), since retrying cannot help.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from config.settings import ChannelSettings
from tracker.models import Digest
from tracker.services.channels.base import DeliveryError, DeliverySkipped

#: The usual port of each TLS mode when ``TRACKER_SMTP_PORT`` is 0.
_DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}
_TRUE = {"1", "true", "yes", "on", "starttls"}


def tls_mode(raw: str | None) -> str:
    """ "ssl" (implicit TLS), "starttls" (also for a true value) or "none"."""
    value = (raw or "").strip().lower()
    if value in {"ssl", "tls", "smtps"}:
        return "ssl"
    return "starttls" if value in _TRUE else "none"


class EmailChannel:
    """Sends each digest as one e-mail to its recipient's address."""

    name = "email"

    def __init__(self, settings: ChannelSettings) -> None:
        self.host = settings.smtp_host or None
        self.mode = tls_mode(settings.smtp_tls)
        self.port = settings.smtp_port or _DEFAULT_PORTS[self.mode]
        self.user = settings.smtp_user or None
        password = settings.smtp_password
        self.password = password.get_secret_value() if password is not None else ""
        self.sender = settings.smtp_sender
        self.timeout = settings.smtp_timeout

    def enabled(self) -> bool:
        """True once an SMTP host is set."""
        return bool(self.host)

    def send(self, digest: Digest) -> None:
        """Mail the digest. Raises DeliverySkipped when the recipient has no address and
        DeliveryError for any SMTP or network failure (refused, timeout, rejected)."""
        address = (digest.recipient.email or "").strip()
        if not address:
            raise DeliverySkipped("no address：收件人未登记电子邮箱")
        message = build_message(digest, self.sender, address)
        try:
            with self._connect() as smtp:
                if self.user:
                    smtp.login(str(self.user), str(self.password))
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"邮件发送失败：{type(exc).__name__}: {exc}") from exc

    def _connect(self) -> smtplib.SMTP:
        """An open SMTP session in the configured TLS mode."""
        assert self.host is not None
        if self.mode == "ssl":
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.mode == "starttls":
            try:
                smtp.starttls(context=ssl.create_default_context())
            except BaseException:
                smtp.close()
                raise
        return smtp


def build_message(digest: Digest, sender: str, address: str) -> EmailMessage:
    """The e-mail of ``digest``: Chinese subject, the body with its reminder lines."""
    message = EmailMessage()
    message["Subject"] = digest.subject
    message["From"] = sender
    message["To"] = formataddr((digest.recipient.display_name or "", address), charset="utf-8")
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"digest{digest.id}")
    message.set_content(digest_text(digest), charset="utf-8")
    return message


def digest_text(digest: Digest) -> str:
    """The plain text of a digest: its body, then its reminder lines unless the body
    already lists them."""
    body = digest.body.rstrip()
    lines = [f"· {r.message}" for r in digest.reminders if r.message and r.message not in body]
    text = "\n".join([body, *lines]) if lines else body
    return text + "\n\n——改革任务台账（本邮件由系统自动发送，请勿直接回复）\n"
