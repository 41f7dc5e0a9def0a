"""The one interface every reminder channel offers (issue 4 §3)."""

from __future__ import annotations

from typing import Protocol

from tracker.models import Digest


class DeliveryError(Exception):
    """Sending a digest through a channel failed; ``message`` (Chinese or the transport's
    own words) is kept in ``Delivery.last_error`` and the delivery is retried later."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DeliverySkipped(DeliveryError):
    """The channel cannot carry this digest at all (a recipient without an e-mail
    address): the delivery is recorded as "skipped", never retried and not a failure."""


class Channel(Protocol):
    """A way of getting a digest to its recipient.

    ``name`` is the ``Delivery.channel`` value ("inbox", "email", "webhook");
    ``enabled()`` says whether the settings switch the channel on; ``send(digest)``
    returns when the digest went out and raises :class:`DeliveryError` otherwise.
    """

    name: str

    def enabled(self) -> bool:
        """True when the channel is configured and should get deliveries."""
        ...

    def send(self, digest: Digest) -> None:
        """Send ``digest``; raises DeliveryError (or DeliverySkipped) on failure."""
        ...
