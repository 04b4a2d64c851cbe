"""Each enrolment's expected dates, stored on the enrolment so that the coordinators' lists of who
is late are one indexed query however many enrolments there are.

The dates are the ones the progress pages compute (`app.services.progress`): the pathway's
expected finish is the start plus the scheme's expected months plus every paused day; the open
stage's expected end is its opening plus the stage's typical months, pushed back by the paused
days in that time. `refresh` runs wherever a stage opens or closes or a pause is recorded.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from sqlalchemy import select, update

from app.extensions import db
from app.models import Enrolment, EnrolmentStage, Pause, Scheme, Stage
from app.services.progress.facts import PauseFact
from app.services.progress.rules import add_months, extend, total_pause_days


def expected_finish(
    started_on: date, months: int | None, pauses: Sequence[PauseFact]
) -> date | None:
    """The pathway's expected finish, or None when the scheme sets no expected length."""
    if months is None:
        return None
    return add_months(started_on, months) + timedelta(days=total_pause_days(pauses))


def stage_expected_end(
    opened_on: date | None, typical_months: int | None, pauses: Sequence[PauseFact]
) -> date | None:
    """The open stage's expected end, or None without an open stage or a typical length."""
    if opened_on is None or typical_months is None:
        return None
    return extend(opened_on, typical_months, pauses)


def refresh(enrolments: Iterable[Enrolment]) -> None:
    """Recompute and store the expected dates of `enrolments` (in four queries)."""
    enrolments = list(enrolments)
    db.session.flush()
    ids = [e.id for e in enrolments]
    if not ids:
        return
    pauses: dict[int, list[PauseFact]] = defaultdict(list)
    for row in db.session.execute(
        select(Pause.enrolment_id, Pause.starts_on, Pause.ends_on).where(
            Pause.enrolment_id.in_(ids)
        )
    ):
        pauses[row.enrolment_id].append(PauseFact(row.starts_on, row.ends_on))
    open_stages: dict[int, tuple[date, int | None]] = {}
    for stage_row in db.session.execute(
        select(EnrolmentStage.enrolment_id, EnrolmentStage.opened_on, Stage.typical_months)
        .join(Stage, EnrolmentStage.stage_id == Stage.id)
        .where(EnrolmentStage.enrolment_id.in_(ids), EnrolmentStage.closed_on.is_(None))
        .order_by(EnrolmentStage.opened_on, EnrolmentStage.id)
    ):
        open_stages[stage_row.enrolment_id] = (stage_row.opened_on, stage_row.typical_months)
    heads = db.session.execute(
        select(Enrolment.id, Enrolment.started_on, Scheme.expected_months)
        .join(Scheme, Enrolment.scheme_id == Scheme.id)
        .where(Enrolment.id.in_(ids))
    ).all()
    values = []
    for head in heads:
        spans = pauses[head.id]
        opened_on, typical = open_stages.get(head.id, (None, None))
        values.append(
            {
                "id": head.id,
                "expected_finish": expected_finish(head.started_on, head.expected_months, spans),
                "stage_expected_end": stage_expected_end(opened_on, typical, spans),
            }
        )
    db.session.execute(update(Enrolment), values)
    for enrolment in enrolments:
        if enrolment in db.session:
            db.session.refresh(enrolment, ["expected_finish", "stage_expected_end"])


def refresh_all(batch: int = 500) -> int:
    """Recompute every enrolment's expected dates; returns how many were refreshed."""
    ids = list(db.session.scalars(select(Enrolment.id).order_by(Enrolment.id)))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        refresh(db.session.scalars(select(Enrolment).where(Enrolment.id.in_(chunk))).all())
    return len(ids)
