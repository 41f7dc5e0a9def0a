"""Supervision pages (督查, issue 15): inspection rounds and self-checks, the problem ledger
(rectification, verification, 销号, .xlsx), closing tasks, and duty debriefings."""
