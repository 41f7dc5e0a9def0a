"""Pure rules of the tracker (DESIGN.md §7): no Flask, SQLAlchemy, pandas or matplotlib.

The schedule grammar (:mod:`.schedule`), expected-to-date and lag states (:mod:`.lag`),
scoring rules (:mod:`.scoring`), working-day calendar math, reporting periods, reminders and
the access policy. Callers pass "today" in; nothing here reads the clock or a database.
"""
