"""Base forms of the site: WTForms' own messages ("不是有效的选择。") in Chinese."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import flash
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, Form, FormField

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


#: Shown beside a field holding NUL, which no database column can hold (PostgreSQL refuses
#: it in text); the JSON API refuses it the same way (tracker/web/api/schemas.py).
UNSTORABLE = "含有不允许的字符。"


def refuse_unstorable(fields: Iterable[Field]) -> bool:
    """Put :data:`UNSTORABLE` beside each text field (or text entry of a list) holding NUL;
    False if there was one. Nested forms check their own fields."""
    ok = True
    for field in fields:
        if isinstance(field, FieldList):
            entries = [entry for entry in field.entries if not isinstance(entry, FormField)]
            ok = refuse_unstorable(entries) and ok
        elif isinstance(field.data, str) and "\x00" in field.data:
            field.errors = [*field.errors, UNSTORABLE]
            ok = False
    return ok


class _Storable:
    """Validation that also refuses what the database cannot store."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)  # type: ignore[misc]
        return refuse_unstorable(self) and valid  # type: ignore[arg-type]


class TrackerForm(_Storable, FlaskForm):
    """A CSRF-protected form whose built-in messages are Chinese."""

    class Meta(_ChineseMeta):
        pass


class TrackerSubform(_Storable, Form):
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
