"""Supervision (督查, issue 15): inspection rounds and self-checks (:mod:`.rounds`), the
problem ledger with rectification and closing (:mod:`.problems`, :mod:`.files`,
:mod:`.export`), overdue reminders (:mod:`.reminders`, called from the reminder pass),
closing tasks (:mod:`.closing`), duty debriefings (:mod:`.debriefings`) and the
proposals they make to the assessment (:mod:`.assessment`). Services flush; the caller
commits."""
