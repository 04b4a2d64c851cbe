"""A portfolio's cases: each case with its consents, cycles, films and moments, read in a fixed
number of queries and turned into the frozen entries the PDF prints."""

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Case,
    Cycle,
    Enrolment,
    Film,
    Moment,
    User,
)
from app.services.portfolio.entries import (
    CaseEntry,
    ConsentEntry,
    CycleEntry,
    FilmEntry,
    MomentLine,
    PrincipleMoments,
)


def cases_of(enrolment: Enrolment) -> list[Case]:
    """The enrolment's cases with their consents, oldest first."""
    return list(
        db.session.scalars(
            select(Case)
            .where(Case.enrolment_id == enrolment.id)
            .options(selectinload(Case.consents))
            .order_by(Case.started_on, Case.id)
        )
    )


def cycles_of_cases(case_ids: list[int]) -> dict[int, list[Cycle]]:
    """Each case's cycles with their films and moments, in one query."""
    found: dict[int, list[Cycle]] = defaultdict(list)
    query = (
        select(Cycle)
        .where(Cycle.case_id.in_(case_ids))
        .options(
            selectinload(Cycle.films).selectinload(Film.moments).selectinload(Moment.principle),
            selectinload(Cycle.films).selectinload(Film.moments).selectinload(Moment.element),
            selectinload(Cycle.films)
            .selectinload(Film.moments)
            .selectinload(Moment.author)
            .lazyload(User.role_links),
        )
        .order_by(Cycle.filmed_on, Cycle.id)
    )
    for cycle in db.session.scalars(query) if case_ids else []:
        found[cycle.case_id].append(cycle)
    return found


def _film(film: Film) -> FilmEntry:
    grouped: dict[int, list[Moment]] = defaultdict(list)
    for moment in sorted(film.moments, key=lambda m: (m.start_ms, m.id)):
        grouped[moment.principle_id].append(moment)
    by_principle = tuple(
        PrincipleMoments(
            moments[0].principle.name,
            moments[0].principle.number,
            tuple(
                MomentLine(
                    m.start_ms,
                    m.end_ms,
                    m.element.text if m.element else "",
                    m.note,
                    m.author.display_name,
                )
                for m in moments
            ),
        )
        for moments in sorted(grouped.values(), key=lambda ms: ms[0].principle.number)
    )
    clip = "deleted" if film.clip_deleted_at else ("stored" if film.clip_key else "none")
    return FilmEntry(
        kind=film.kind.value,
        recorded_on=film.recorded_on,
        length_seconds=film.length_seconds,
        clip=clip,
        clip_deleted_on=film.clip_deleted_at.date() if film.clip_deleted_at else None,
        by_principle=by_principle,
        moment_count=len(film.moments),
    )


def case_entries(
    cases: list[Case], cycles: dict[int, list[Cycle]], stages: dict[int, int]
) -> tuple[CaseEntry, ...]:
    """Cases as printed: their cycles numbered, films grouped by principle; the trainee's own
    notes on a cycle ("Your notes") are left out, whoever generates the portfolio."""
    return tuple(
        CaseEntry(
            code=case.code,
            setting=case.setting.value,
            started_on=case.started_on,
            ended_on=case.ended_on,
            helping_question=case.helping_question,
            cycles=tuple(
                CycleEntry(
                    number=n,
                    filmed_on=cycle.filmed_on,
                    micro_analysis_done=cycle.micro_analysis_done,
                    shared_review_on=cycle.shared_review_on,
                    review_filmed=cycle.review_filmed,
                    complete=cycle.complete,
                    stage_number=stages.get(cycle.id),
                    films=tuple(_film(f) for f in sorted(cycle.films, key=lambda f: f.id)),
                )
                for n, cycle in enumerate(cycles.get(case.id, []), start=1)
            ),
        )
        for case in cases
    )


def consent_entries(cases: list[Case], cycles: dict[int, list[Cycle]]) -> tuple[ConsentEntry, ...]:
    """Each consent with the clips it covers, stored and deleted."""
    films_by_consent: dict[int, list[Film]] = defaultdict(list)
    for case_cycles in cycles.values():
        for cycle in case_cycles:
            for film in cycle.films:
                films_by_consent[film.consent_id].append(film)
    return tuple(
        ConsentEntry(
            case_code=case.code,
            given_by_role=consent.given_by_role,
            given_on=consent.given_on,
            scopes=tuple(sorted(consent.scopes)),
            deletion_due_on=consent.deletion_due_on,
            withdrawn_on=consent.withdrawn_on,
            clips_stored=sum(
                1 for f in films_by_consent[consent.id] if f.clip_key and not f.clip_deleted_at
            ),
            clips_deleted=sum(1 for f in films_by_consent[consent.id] if f.clip_deleted_at),
        )
        for case in cases
        for consent in case.consents
    )
