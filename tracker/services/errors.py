"""Errors services raise for bad input or a refused step; messages are Chinese and name
the row, field or file concerned."""

from __future__ import annotations


class ServiceError(ValueError):
    """A use case refused its input. ``field`` names the form field at fault, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ServiceError):
    """The thing asked for does not exist."""


class Conflict(ServiceError):
    """The step clashes with the current state (a stale save, an accepted report …)."""
