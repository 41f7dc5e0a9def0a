"""Whole self-assessment forms (自评表, 审核): a unit's rows saved together, the reviewer's
rows saved together, evidence attached to an entry that may not exist yet. Each is one use
case for one form post: a refused row raises, and the caller's savepoint (see
:func:`tracker.unit_of_work.attempt`) undoes the rows saved before it. Functions here
flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracker.io.containers import ContainerLimits
from tracker.models import Evidence, Indicator, SelfAssessment, Unit, User
from tracker.services import evidence as evidence_service
from tracker.services import self_assessment as sa_service
from tracker.services.errors import ServiceError


class RowRefused(ServiceError):
    """One row of a whole form was refused: ``row`` is its index among the rows given,
    ``field`` the field of that row at fault (as in the row's own refusal)."""

    def __init__(self, row: int, error: ServiceError) -> None:
        super().__init__(error.message, error.field)
        self.row = row


@dataclass(frozen=True, slots=True)
class EntryInput:
    """One row of a unit's self-assessment form as typed."""

    indicator_id: int
    text: str
    proposed_score: float | None


@dataclass(frozen=True, slots=True)
class ReviewInput:
    """One row of the reviewer's form as typed: the entry, opinion and final score."""

    entry_id: int
    opinion: str
    final_score: float | None


def save_self_assessment_form(
    set_id: int, unit: Unit, user: User, rows: list[EntryInput], *, max_chars: int
) -> list[SelfAssessment]:
    """Save every row that has a text or a score, or an entry already (so that clearing a
    row clears the entry), with :func:`~tracker.services.self_assessment.save_self_assessment`.
    ``max_chars`` is the length limit of one text (characters). Returns the entries
    saved, in row order.

    Raises :class:`RowRefused` for the first row refused; NotFound for an indicator that
    is not a level-3 indicator of the set.
    """
    saved: list[SelfAssessment] = []
    for index, row in enumerate(rows):
        if not _filled(row) and sa_service.get_entry(set_id, unit.id, row.indicator_id) is None:
            continue
        indicator = sa_service.get_indicator(set_id, row.indicator_id)
        try:
            entry = sa_service.save_self_assessment(
                set_id, unit, indicator, user, row.text, row.proposed_score, max_chars=max_chars
            )
        except ServiceError as error:
            raise RowRefused(index, error) from error
        saved.append(entry)
    return saved


def _filled(row: EntryInput) -> bool:
    return bool(row.text.strip()) or row.proposed_score is not None


def review_self_assessment_form(reviewer: User, rows: list[ReviewInput]) -> list[SelfAssessment]:
    """Save the opinion and final score of every row that has either, with
    :func:`~tracker.services.self_assessment.review_self_assessment`. Returns the entries
    reviewed, in row order.

    Raises :class:`RowRefused` for the first row refused; NotFound for a missing entry.
    """
    reviewed: list[SelfAssessment] = []
    for index, row in enumerate(rows):
        if not row.opinion.strip() and row.final_score is None:
            continue
        entry = sa_service.get_self_assessment(row.entry_id)
        try:
            sa_service.review_self_assessment(entry, reviewer, row.opinion, row.final_score)
        except ServiceError as error:
            raise RowRefused(index, error) from error
        reviewed.append(entry)
    return reviewed


def attach_evidence(
    set_id: int,
    unit: Unit,
    indicator: Indicator,
    user: User,
    upload: evidence_service.Upload,
    *,
    storage_dir: Path,
    max_bytes: int,
    max_chars: int,
    limits: ContainerLimits,
) -> Evidence:
    """Attach ``upload`` to the unit's entry for ``indicator``, first creating the entry
    empty if the unit has not filled it (see :func:`tracker.services.evidence.attach`
    for ``storage_dir``, ``max_bytes`` (the size limit in bytes) and ``limits``, those of a
    .docx/.xlsx/.pptx container).

    Raises ServiceError (field "file") for an empty, too large or unaccepted file.
    """
    entry = sa_service.get_entry(set_id, unit.id, indicator.id)
    if entry is None:
        entry = sa_service.save_self_assessment(
            set_id, unit, indicator, user, "", None, max_chars=max_chars
        )
    return evidence_service.attach(
        entry, upload, user, storage_dir=storage_dir, max_bytes=max_bytes, limits=limits
    )
