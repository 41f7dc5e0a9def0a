"""E-mail over SMTP (stdlib ``smtplib`` and ``email.message.EmailMessage``).

Off while ``TRACKER_SMTP_HOST`` is unset. The subject and body are the digest's own
Chinese texts, encoded as UTF-8 (RFC 2047 subject, UTF-8 text body). A recipient without
an e-mail address cannot be mailed: the delivery is recorded as "skipped" with the reason
"no address" (not a failure, not retried), since retrying cannot help.

Every e-mail of one delivery has the same ``Message-ID``, ``<delivery-123@DOMAIN>`` (the
delivery's id, ``TRACKER_MESSAGE_ID_DOMAIN``): when a delivery is sent again because the
sender died before recording it (issue 9 §2), the receiver can drop the second copy.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, formatdate

from config.settings import ChannelSettings
from tracker.models import Digest
from tracker.services.channels.base import DeliveryError, DeliverySkipped, Outgoing

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
        self.domain = settings.message_id_domain

    def enabled(self) -> bool:
        """True once an SMTP host is set."""
        return bool(self.host)

    def send(self, message: Outgoing) -> None:
        """Mail the digest. Raises DeliverySkipped when the recipient has no address and
        DeliveryError for any SMTP or network failure (refused, timeout, rejected)."""
        if not message.address:
            raise DeliverySkipped("no address：收件人未登记电子邮箱")
        mail = build_message(message, self.sender, self.domain)
        try:
            with self._connect() as smtp:
                if self.user:
                    smtp.login(str(self.user), str(self.password))
                smtp.send_message(mail)
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


def message_id(delivery_id: int, domain: str) -> str:
    """The Message-ID of every e-mail of one delivery: (123, "tracker.local") →
    "<delivery-123@tracker.local>"."""
    return f"<delivery-{delivery_id}@{domain}>"


def build_message(message: Outgoing, sender: str, domain: str) -> EmailMessage:
    """The e-mail of a claimed delivery: Chinese subject, the text with its reminder
    lines, the delivery's stable Message-ID under ``domain``."""
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = sender
    mail["To"] = formataddr((message.display_name, message.address), charset="utf-8")
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = message_id(message.delivery_id, domain)
    mail.set_content(message.text, charset="utf-8")
    return mail


def digest_text(digest: Digest) -> str:
    """The plain text of a digest: its body, then its reminder lines unless the body
    already lists them."""
    body = digest.body.rstrip()
    lines = [f"· {r.message}" for r in digest.reminders if r.message and r.message not in body]
    text = "\n".join([body, *lines]) if lines else body
    return text + "\n\n——改革任务台账（本邮件由系统自动发送，请勿直接回复）\n"
