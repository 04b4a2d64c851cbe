"""Read the facts `progress.evaluate` needs from the database, in a fixed number of queries.

Each table is read once for all the enrolments asked about (`IN (...)`), selecting plain columns
rather than entities: no lazy loads, and the count of statements does not depend on the amount of
data nor on what the session already holds. Supervision a trainee *gave* (sessions on other
enrolments where they were the supervisor) and the trainees they supervised (own-supervisor
assignments naming them) are read for the supervisor pathway.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select

from app.extensions import db
from app.models import (
    Case,
    Cycle,
    Enrolment,
    EnrolmentStage,
    MeetingStatus,
    Milestone,
    Pause,
    Principle,
    Rating,
    RatingKind,
    Requirement,
    Scheme,
    SessionStatus,
    Stage,
    StageMeeting,
    SupervisionSession,
    SupervisorAssignment,
)
from app.services.progress.enrolment_head import EnrolmentHead
from app.services.progress.evaluate import EnrolmentProgress, evaluate
from app.services.progress.facts import (
    CycleFact,
    MilestoneFact,
    PauseFact,
    RatingFact,
    RequirementFacts,
    SchemeFacts,
    SessionFact,
    Snapshot,
    StageFacts,
    StagePeriod,
    SuperviseeFact,
)


@dataclass
class _Facts:
    """The facts of one enrolment, gathered table by table."""

    periods: list[StagePeriod] = field(default_factory=list)
    cycles: list[CycleFact] = field(default_factory=list)
    sessions: list[SessionFact] = field(default_factory=list)
    milestones: list[MilestoneFact] = field(default_factory=list)
    pauses: list[PauseFact] = field(default_factory=list)
    supervisees: list[SuperviseeFact] = field(default_factory=list)
    ratings: list[RatingFact] = field(default_factory=list)


def load_snapshot(enrolment: Enrolment, today: date) -> Snapshot:
    """The facts about one enrolment as of `today`."""
    return load_snapshots([enrolment], today)[enrolment.id]


def progress_for(enrolment: Enrolment, today: date) -> EnrolmentProgress:
    """One enrolment's progress as of `today`."""
    return evaluate(load_snapshot(enrolment, today))


def progress_for_many(
    enrolments: Sequence[EnrolmentHead], today: date
) -> dict[int, EnrolmentProgress]:
    """Progress of several enrolments by enrolment id, in as many queries as for one."""
    return {key: evaluate(snap) for key, snap in load_snapshots(enrolments, today).items()}


def load_snapshots(enrolments: Sequence[EnrolmentHead], today: date) -> dict[int, Snapshot]:
    """Snapshots of several enrolments by enrolment id, each table read once for all of them."""
    if not enrolments:
        return {}
    heads = {e.id: (e.trainee_id, e.scheme_id, e.started_on) for e in enrolments}
    trainees = {trainee for trainee, _s, _d in heads.values()}
    schemes = _schemes({scheme for _t, scheme, _d in heads.values()})
    facts = {key: _Facts() for key in heads}
    _add_periods_and_pauses(facts)
    _add_cycles_and_milestones(facts)
    _add_supervision(facts, heads, trainees)
    _add_ratings(facts)
    return {
        key: Snapshot(
            enrolment_id=key,
            started_on=started_on,
            today=today,
            scheme=schemes[scheme_id],
            periods=tuple(facts[key].periods),
            cycles=tuple(facts[key].cycles),
            sessions=tuple(facts[key].sessions),
            milestones=tuple(facts[key].milestones),
            pauses=tuple(facts[key].pauses),
            supervisees=tuple(facts[key].supervisees),
            ratings=tuple(facts[key].ratings),
        )
        for key, (_trainee, scheme_id, started_on) in heads.items()
    }


def _add_ratings(facts: dict[int, _Facts]) -> None:
    """Own supervisors' ratings (competency milestones count those, not self-assessments)."""
    rows = db.session.execute(
        select(EnrolmentStage.enrolment_id, Principle.code, Rating.score, Rating.rated_on)
        .join(EnrolmentStage, Rating.enrolment_stage_id == EnrolmentStage.id)
        .join(Principle, Rating.principle_id == Principle.id)
        .where(
            EnrolmentStage.enrolment_id.in_(list(facts)),
            Rating.kind == RatingKind.SUPERVISOR,
            Rating.element_id.is_(None),
        )
    )
    for enrolment_id, code, score, rated_on in rows:
        facts[enrolment_id].ratings.append(RatingFact(code, score, rated_on))


def _add_periods_and_pauses(facts: dict[int, _Facts]) -> None:
    """Stages opened (in order of opening, each with the reason it was signed off by exception,
    if it was) and pauses."""
    by_exception = (
        select(StageMeeting.exception_reason)
        .where(
            StageMeeting.enrolment_stage_id == EnrolmentStage.id,
            StageMeeting.status == MeetingStatus.RATIFIED,
            StageMeeting.exception_reason != "",
        )
        .order_by(StageMeeting.id.desc())
        .limit(1)
        .correlate(EnrolmentStage)
        .scalar_subquery()
    )
    for row in db.session.execute(
        select(
            EnrolmentStage.enrolment_id,
            EnrolmentStage.stage_id,
            EnrolmentStage.opened_on,
            EnrolmentStage.closed_on,
            by_exception.label("exception_reason"),
        )
        .where(EnrolmentStage.enrolment_id.in_(list(facts)))
        .order_by(EnrolmentStage.opened_on, EnrolmentStage.id)
    ):
        facts[row.enrolment_id].periods.append(
            StagePeriod(row.stage_id, row.opened_on, row.closed_on, row.exception_reason or "")
        )
    for pause in db.session.execute(
        select(Pause.enrolment_id, Pause.starts_on, Pause.ends_on)
        .where(Pause.enrolment_id.in_(list(facts)))
        .order_by(Pause.starts_on, Pause.id)
    ):
        facts[pause.enrolment_id].pauses.append(PauseFact(pause.starts_on, pause.ends_on))


def _add_cycles_and_milestones(facts: dict[int, _Facts]) -> None:
    """Cycles of the enrolments' cases (completed_on for complete ones only) and milestones."""
    for row in db.session.execute(
        select(
            Case.enrolment_id,
            Cycle.id,
            Cycle.case_id,
            Cycle.filmed_on,
            Cycle.micro_analysis_done,
            Cycle.shared_review_on,
        )
        .join(Case, Cycle.case_id == Case.id)
        .where(Case.enrolment_id.in_(list(facts)))
        .order_by(Cycle.id)
    ):
        done = row.shared_review_on if row.micro_analysis_done else None
        facts[row.enrolment_id].cycles.append(CycleFact(row.id, row.case_id, row.filmed_on, done))
    for milestone in db.session.execute(
        select(
            Milestone.enrolment_id,
            Milestone.id,
            Milestone.kind,
            Milestone.subtype,
            Milestone.occurred_on,
        )
        .where(Milestone.enrolment_id.in_(list(facts)))
        .order_by(Milestone.occurred_on, Milestone.id)
    ):
        facts[milestone.enrolment_id].milestones.append(
            MilestoneFact(
                milestone.id, str(milestone.kind.value), milestone.subtype, milestone.occurred_on
            )
        )


def _add_supervision(
    facts: dict[int, _Facts],
    heads: dict[int, tuple[int, int, date]],
    trainees: set[int],
) -> None:
    """Sessions received and given, and the trainees each enrolment's trainee supervised."""
    by_trainee: dict[int, list[int]] = defaultdict(list)
    for key, (trainee, _scheme, _started) in heads.items():
        by_trainee[trainee].append(key)
    session = SupervisionSession
    for row in db.session.execute(
        select(
            session.id,
            session.enrolment_id,
            session.supervisor_id,
            session.held_on,
            session.minutes,
            session.status,
            session.filmed,
        )
        .where(
            or_(session.enrolment_id.in_(list(heads)), session.supervisor_id.in_(sorted(trainees)))
        )
        .order_by(session.held_on, session.id)
    ):
        confirmed = row.status == SessionStatus.CONFIRMED
        if row.enrolment_id in heads:
            facts[row.enrolment_id].sessions.append(
                SessionFact(row.id, row.held_on, row.minutes, confirmed, row.filmed, given=False)
            )
        for key in by_trainee.get(row.supervisor_id, ()):
            if key != row.enrolment_id:
                facts[key].sessions.append(
                    SessionFact(row.id, row.held_on, row.minutes, confirmed, row.filmed, given=True)
                )
    assignment = SupervisorAssignment
    for period in db.session.execute(
        select(
            assignment.enrolment_id,
            assignment.supervisor_id,
            assignment.starts_on,
            assignment.ends_on,
        )
        .where(assignment.supervisor_id.in_(sorted(trainees)))
        .order_by(assignment.starts_on, assignment.id)
    ):
        for key in by_trainee[period.supervisor_id]:
            if key != period.enrolment_id:
                facts[key].supervisees.append(
                    SuperviseeFact(period.enrolment_id, period.starts_on, period.ends_on)
                )


def _schemes(scheme_ids: Iterable[int]) -> dict[int, SchemeFacts]:
    """Scheme facts by scheme id: one query each for schemes, stages and requirements."""
    ids = list(scheme_ids)
    requirements: dict[tuple[int, int | None], list[RequirementFacts]] = defaultdict(list)
    for row in db.session.execute(
        select(
            Requirement.scheme_id,
            Requirement.stage_id,
            Requirement.id,
            Requirement.kind,
            Requirement.amount,
            Requirement.label,
            Requirement.params,
        )
        .where(Requirement.scheme_id.in_(ids))
        .order_by(Requirement.position, Requirement.id)
    ):
        requirements[row.scheme_id, row.stage_id].append(
            RequirementFacts(row.id, row.kind, row.amount, row.label, dict(row.params or {}))
        )
    stages: dict[int, list[StageFacts]] = defaultdict(list)
    for row in db.session.execute(
        select(
            Stage.scheme_id,
            Stage.id,
            Stage.number,
            Stage.title,
            Stage.ends_with,
            Stage.typical_months,
        )
        .where(Stage.scheme_id.in_(ids))
        .order_by(Stage.number)
    ):
        own = tuple(requirements[row.scheme_id, row.id])
        stages[row.scheme_id].append(
            StageFacts(row.id, row.number, row.title, row.ends_with, row.typical_months, own)
        )
    rows = db.session.execute(select(Scheme.id, Scheme.expected_months).where(Scheme.id.in_(ids)))
    return {
        row.id: SchemeFacts(
            row.expected_months, tuple(stages[row.id]), tuple(requirements[row.id, None])
        )
        for row in rows
    }
