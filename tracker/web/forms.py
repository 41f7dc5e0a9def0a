"""Base forms of the site: WTForms' own messages ("不是有效的选择。") in Chinese."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import flash
from flask_wtf import FlaskForm
from wtforms import Form

# types-WTForms 3.2 predates WTForms 3.3's SelectChoice.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.meta import DefaultMeta

from tracker.services.errors import ServiceError

LOCALES = ("zh_CN", "zh")


class _ChineseMeta:
    """Meta that loads WTForms' bundled Chinese catalogue (Flask-WTF would need Babel)."""

    locales = LOCALES

    def get_translations(self, form: Any) -> Any:
        return DefaultMeta.get_translations(self, form)  # type: ignore[arg-type]


class TrackerForm(FlaskForm):
    """A CSRF-protected form whose built-in messages are Chinese."""

    class Meta(_ChineseMeta):
        pass


class TrackerSubform(Form):
    """A form nested with ``FormField`` (no CSRF of its own), messages in Chinese."""

    class Meta(_ChineseMeta):
        pass


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Select/radio choices from (value, label) pairs (WTForms 3.3 retires bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


def show_service_error(form: Any, error: ServiceError) -> None:
    """Show a service's refusal beside the field it names, or at the top of the page."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
