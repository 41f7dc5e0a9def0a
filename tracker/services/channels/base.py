"""The one interface every reminder channel offers (issue 4 §3), and what a channel is
handed to send: an :class:`Outgoing`, read from the database before anything is sent
(issue 9 §2), so that sending holds no transaction open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class DeliveryError(Exception):
    """Sending a digest through a channel failed; ``message`` (Chinese or the transport's
    own words) is kept in ``Delivery.last_error`` and the delivery is retried later."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DeliverySkipped(DeliveryError):
    """The channel cannot carry this digest at all (a recipient without an e-mail
    address): the delivery is recorded as "skipped", never retried and not a failure."""


def delivery_reference(delivery_id: int) -> str:
    """The stable name of a delivery shown to receivers: 123 → "D123"."""
    return f"D{delivery_id}"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One claimed delivery, as plain values: its id and attempt number (1 for the
    first), the channel's name, the digest's subject and plain text, the recipient's
    name as shown (display name, else user name) and e-mail address ("" when none)."""

    delivery_id: int
    attempt: int
    channel: str
    subject: str
    text: str
    recipient: str
    display_name: str
    address: str

    @property
    def reference(self) -> str:
        """ "D123": the same for every attempt, so a receiver can drop a duplicate."""
        return delivery_reference(self.delivery_id)


class Channel(Protocol):
    """A way of getting a digest to its recipient.

    ``name`` is the ``Delivery.channel`` value ("inbox", "email", "webhook");
    ``enabled()`` says whether the settings switch the channel on; ``send(message)``
    returns when the message went out and raises :class:`DeliveryError` otherwise. Every
    attempt of one delivery carries the same identity (Message-ID, 提醒编号).
    """

    name: str

    def enabled(self) -> bool:
        """True when the channel is configured and should get deliveries."""
        ...

    def send(self, message: Outgoing) -> None:
        """Send ``message``; raises DeliveryError (or DeliverySkipped) on failure."""
        ...
