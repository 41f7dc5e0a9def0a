"""Finding and creating units by name or alias."""

from __future__ import annotations

import sqlalchemy as sa

from tracker.domain.units import UnitName
from tracker.extensions import db
from tracker.models import Unit, UnitAlias


class UnitDirectory:
    """Units by name and alias, loaded once per use case and kept up to date as it adds.

    ``resolve`` returns the existing unit a name or alias refers to, or adds a new one.
    """

    def __init__(self) -> None:
        self._by_name: dict[str, Unit] = {}
        for unit in db.session.scalars(sa.select(Unit)):
            self._by_name[unit.name] = unit
        for alias in db.session.scalars(sa.select(UnitAlias)):
            self._by_name.setdefault(alias.alias, alias.unit)

    def resolve(self, name: UnitName) -> Unit:
        """The unit called ``name.name`` (or known by that alias); new aliases are added."""
        unit = self._by_name.get(name.name)
        if unit is None:
            unit = Unit(name=name.name)
            db.session.add(unit)
            self._by_name[name.name] = unit
        for alias in name.aliases:
            if alias not in self._by_name:
                unit.aliases.append(UnitAlias(alias=alias))
                self._by_name[alias] = unit
        return unit

    def find(self, text: str) -> Unit | None:
        """The unit with this name or alias, if any."""
        return self._by_name.get(text.strip())
