"""Gathering one enrolment's portfolio from the services that feed the pages, in a fixed number
of queries, and the digest of what was gathered (the key of the portfolio cache)."""

import hashlib
import json
from collections import defaultdict
from dataclasses import fields, is_dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    Cycle,
    Enrolment,
    EnrolmentStage,
    Film,
    Framework,
    Milestone,
    Rating,
    Reflection,
    Scheme,
    SessionStatus,
    Stage,
    StageMeeting,
    SupervisionSession,
    User,
)
from app.phrase import Phrase
from app.services.evidence.locks import check_digest
from app.services.portfolio import summaries
from app.services.portfolio.case_records import (
    case_entries,
    cases_of,
    consent_entries,
    cycles_of_cases,
)
from app.services.portfolio.entries import (
    MeetingEntry,
    MilestoneEntry,
    PortfolioData,
    PrincipleRatings,
    RatingEntry,
    ReflectionEntry,
    SessionEntry,
    SupervisorPeriod,
    Totals,
)
from app.services.progress.evaluate import counted_in
from app.services.progress.snapshots import progress_for
from app.services.signoff import meetings as signoff
from app.services.signoff import ratings
from app.services.supervision.queries import reflections_page_query

# The edition of the printed layout (templates/pdf/portfolio.html), part of every digest: raise
# it when what is printed changes, so a PDF stored in the old layout is not served again.
LAYOUT = 2


def _sessions(enrolment: Enrolment, stages: dict[int, int]) -> tuple[SessionEntry, ...]:
    query = (
        select(SupervisionSession)
        .where(SupervisionSession.enrolment_id == enrolment.id)
        .options(
            selectinload(SupervisionSession.supervisor).lazyload(User.role_links),
            selectinload(SupervisionSession.cycles).selectinload(Cycle.case),
            selectinload(SupervisionSession.films)
            .selectinload(Film.cycle)
            .selectinload(Cycle.case),
        )
        .order_by(SupervisionSession.held_on, SupervisionSession.id)
    )
    return tuple(
        SessionEntry(
            held_on=s.held_on,
            minutes=s.minutes,
            supervisor=s.supervisor.display_name,
            group=s.group,
            online=s.online,
            filmed=s.filmed,
            status=s.status.value,
            stage_number=stages.get(s.id),
            reviewed=tuple(
                sorted({c.case.code for c in s.cycles} | {f.cycle.case.code for f in s.films})
            ),
            reflection_before=s.reflection_before,
            reflection_after=s.reflection_after,
            next_steps=s.next_steps,
            supervisor_reflection=s.supervisor_reflection,
            supervisor_feedback=s.supervisor_feedback,
        )
        for s in db.session.scalars(query)
    )


def _reflections(enrolment: Enrolment, codes: dict[int, str]) -> tuple[ReflectionEntry, ...]:
    """Shared reflections only: a private one stays private, whoever generates the portfolio."""
    query = reflections_page_query(
        select(Reflection).where(
            Reflection.enrolment_id == enrolment.id, Reflection.private.is_(False)
        )
    ).options(joinedload(Reflection.author, innerjoin=True).lazyload(User.role_links))
    return tuple(
        ReflectionEntry(
            written_on=r.written_on,
            title=r.title,
            body=r.body,
            author=r.author.display_name,
            about=codes.get(r.case_id or 0, "") if r.case_id else "",
        )
        for r in sorted(db.session.scalars(query), key=lambda r: (r.written_on, r.id))
    )


def _ratings(enrolment: Enrolment) -> tuple[PrincipleRatings, ...]:
    grouped: dict[int, list[Rating]] = defaultdict(list)
    for rating in reversed(ratings.history(enrolment)):  # oldest first
        grouped[rating.principle_id].append(rating)
    return tuple(
        PrincipleRatings(
            rs[0].principle.name,
            rs[0].principle.number,
            tuple(
                RatingEntry(
                    rated_on=r.rated_on,
                    stage_number=r.enrolment_stage.stage.number,
                    kind=r.kind.value,
                    rater=r.rater.display_name,
                    element=r.element.text if r.element else "",
                    score=r.score,
                    comment=r.comment,
                )
                for r in rs
            ),
        )
        for rs in sorted(grouped.values(), key=lambda rs: rs[0].principle.number)
    )


def _meeting(meeting: StageMeeting) -> MeetingEntry:
    signed = meeting.digest is not None
    return MeetingEntry(
        stage_number=meeting.enrolment_stage.stage.number,
        stage_title=meeting.enrolment_stage.stage.title,
        status=meeting.status.value,
        requested_on=meeting.requested_at.date(),
        exception_reason=meeting.exception_reason,
        assessor=meeting.assessor.display_name if meeting.assessor else "",
        held_on=meeting.held_on,
        minutes=meeting.minutes,
        actions=meeting.actions,
        supervisor_statement=meeting.supervisor_statement,
        ratified_on=meeting.ratified_at.date() if meeting.ratified_at else None,
        ratified_by=meeting.ratified_by.display_name if meeting.ratified_by else "",
        sent_back_reason=meeting.sent_back_reason,
        void_reason=meeting.void_reason,
        digest=meeting.digest or "",
        evidence_matches=check_digest(meeting).matches if signed else None,
        covered_count=len(meeting.covered),
    )


def _milestones(enrolment: Enrolment) -> tuple[MilestoneEntry, ...]:
    """Milestones as recorded; one a passed stage meeting made is named in the reader's
    language ("Stage 2 meeting"), not in the English it was recorded with."""
    query = (
        select(Milestone, Stage.number)
        .outerjoin(StageMeeting, StageMeeting.milestone_id == Milestone.id)
        .outerjoin(EnrolmentStage, EnrolmentStage.id == StageMeeting.enrolment_stage_id)
        .outerjoin(Stage, Stage.id == EnrolmentStage.stage_id)
        .where(Milestone.enrolment_id == enrolment.id)
        .order_by(Milestone.occurred_on, Milestone.id)
    )
    return tuple(
        MilestoneEntry(
            m.occurred_on,
            m.kind.value,
            m.title if stage is None else Phrase("Stage %(number)s meeting", number=stage),
        )
        for m, stage in db.session.execute(query)
    )


def _wording_edition() -> str:
    """A fingerprint of every scheme's and framework's translations: the portfolio reads its
    scheme wording from all of them (app/models/scheme_text.py), so a corrected translation
    makes a new document rather than serving the one written before it."""
    rows = [
        db.session.scalars(select(model.translations).order_by(model.id)).all()
        for model in (Framework, Scheme)
    ]
    text = json.dumps(rows, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def gather(enrolment: Enrolment, today: date) -> PortfolioData:
    """Everything the portfolio of `enrolment` shows, as of `today`."""
    progress = progress_for(enrolment, today)
    cases = cases_of(enrolment)
    cycles = cycles_of_cases([c.id for c in cases])
    printed_cases = case_entries(cases, cycles, counted_in(progress, "cycle"))
    sessions = _sessions(enrolment, counted_in(progress, "session"))
    films = [f for case in printed_cases for cycle in case.cycles for f in cycle.films]
    rated = _ratings(enrolment)
    principles = [(p.number, p.name) for p in enrolment.scheme.framework.principles]
    return PortfolioData(
        enrolment_id=enrolment.id,
        holder=enrolment.trainee.display_name,
        body=enrolment.scheme.body,
        scheme_title=enrolment.scheme.title,
        scheme_version=Phrase(
            "%(version)s (rev. %(revision)s)",
            version=enrolment.scheme.version,
            revision=enrolment.scheme.revision,
        ),
        wording=_wording_edition(),
        started_on=enrolment.started_on,
        status=enrolment.status.value,
        supervisors=tuple(
            SupervisorPeriod(a.supervisor.display_name, a.starts_on, a.ends_on)
            for a in sorted(enrolment.assignments, key=lambda a: (a.starts_on, a.id))
        ),
        progress=progress,
        totals=Totals(
            cases=len(printed_cases),
            cycles=sum(len(c.cycles) for c in printed_cases),
            complete_cycles=sum(1 for c in printed_cases for y in c.cycles if y.complete),
            films=len(films),
            moments=sum(f.moment_count for f in films),
            sessions=len(sessions),
            minutes=sum(s.minutes for s in sessions),
            confirmed_minutes=sum(
                s.minutes for s in sessions if s.status == SessionStatus.CONFIRMED.value
            ),
        ),
        cases=printed_cases,
        consents=consent_entries(cases, cycles),
        sessions=sessions,
        hours_by_stage=summaries.hours_by_stage(sessions),
        reflections=_reflections(enrolment, {c.id: c.code for c in cases}),
        ratings=rated,
        principles=summaries.principle_summaries(principles, printed_cases, rated),
        meetings=tuple(_meeting(m) for m in signoff.meetings_of_enrolment(enrolment)),
        milestones=_milestones(enrolment),
    )


def _plain(value: Any) -> Any:
    """JSON for what json.dumps cannot write itself: records (one level; json recurses), dates."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not serialisable")


def digest_of(data: PortfolioData) -> str:
    """The SHA-256 of everything gathered (and of the layout's edition): equal digests mean an
    identical portfolio."""
    text = f"layout {LAYOUT}\n" + json.dumps(
        data, default=_plain, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(text.encode()).hexdigest()
