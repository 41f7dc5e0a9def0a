"""The base of every settings group: ``TRACKER_*`` variables read by pydantic-settings."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(ValueError):
    """A ``TRACKER_*`` value of the wrong shape, or an unknown ``TRACKER_*`` override; the
    message names every variable concerned."""


def env_field(name: str, default: Any) -> Any:
    """A field read from ``name`` (its full variable name) rather than prefix + field."""
    return Field(default, validation_alias=name)


class SettingsGroup(BaseSettings):
    """A group of settings read from ``TRACKER_<FIELD>`` (or the variable a field names)."""

    model_config = SettingsConfigDict(
        env_prefix="TRACKER_",
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )

    @classmethod
    def variables(cls) -> dict[str, str]:
        """Environment variable → field name, for every field of the group."""
        found = {}
        for name, info in cls.model_fields.items():
            alias = info.validation_alias
            found[alias if isinstance(alias, str) else f"TRACKER_{name.upper()}"] = name
        return found

    @classmethod
    def variable_of(cls, key: object) -> str:
        """The variable behind an error location's first key (a field name or alias)."""
        for variable, name in cls.variables().items():
            if key in (variable, name):
                return variable
        return str(key)
