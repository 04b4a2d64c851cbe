"""Progress kept between requests: served again while its facts are unchanged, computed afresh as
soon as a committed transaction changes one of them (its marks moved by that transaction)."""

import threading
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import (
    Case,
    CaseSetting,
    Cycle,
    Enrolment,
    Pause,
    Principle,
    Rating,
    RatingKind,
    Role,
    SessionStatus,
    SupervisionSession,
    User,
)
from app.models.progress_mark import EVERY_ENROLMENT
from app.services.people import enrolments
from app.services.progress import expected_dates, kept, marks
from app.services.progress.snapshots import progress_for
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from tests.builders.people import current_scheme, enrolled_trainee, make_user, stage_of
from tests.threads import run_together

TODAY = date(2026, 11, 24)
STARTED = date(2026, 1, 5)


def _cycle(enrolment: Enrolment, day: date = date(2026, 3, 2)) -> Cycle:
    case = db.session.scalars(select(Case).where(Case.enrolment_id == enrolment.id)).first()
    if case is None:
        case = Case(enrolment=enrolment, code="C1", setting=CaseSetting.FAMILY, started_on=STARTED)
        db.session.add(case)
    cycle = Cycle(case=case, filmed_on=day, micro_analysis_done=True, shared_review_on=day)
    db.session.add(cycle)
    db.session.flush()
    return cycle


def _moved(enrolment_ids: list[int], change: Callable[[], object]) -> set[int]:
    """The enrolments (and EVERY_ENROLMENT) whose marks the committed change moved."""
    before = marks.marks_of(enrolment_ids)
    change()
    db.session.commit()
    after = marks.marks_of(enrolment_ids)
    moved = {key for key in enrolment_ids if after[key][0] != before[key][0]}
    if any(after[key][1] != before[key][1] for key in enrolment_ids):
        moved.add(EVERY_ENROLMENT)
    return moved


@pytest.fixture
def three(ctx, schemes) -> list[Enrolment]:
    """Three trainees at stage 1, committed."""
    found = [enrolled_trainee(stage=1) for _ in range(3)]
    db.session.commit()
    return found


def test_progress_is_served_again_until_a_fact_changes_then_computed_afresh(ctx, three):
    enrolment = three[0]
    first = kept.progress_of(enrolment, TODAY)
    assert kept.progress_of(enrolment, TODAY) is first  # kept: the same object, not recomputed
    assert first == progress_for(enrolment, TODAY)

    _cycle(enrolment)
    db.session.commit()
    after = kept.progress_of(enrolment, TODAY)
    assert after is not first
    assert after == progress_for(enrolment, TODAY)
    cycles = next(r for r in after.current.requirements if r.kind == "cycles")
    assert cycles.achieved == 1
    before = next(r for r in first.current.requirements if r.kind == "cycles")
    assert before.achieved == 0
    # Another day is another key: progress depends on the day.
    assert kept.progress_of(enrolment, date(2026, 11, 25)) is not after


def test_a_transaction_reads_its_own_uncommitted_changes_not_what_was_kept(ctx, three):
    enrolment = three[0]
    kept_before = kept.progress_of(enrolment, TODAY)
    _cycle(enrolment)  # flushed, not committed
    assert marks.has_pending_changes()
    fresh = kept.progress_of(enrolment, TODAY)
    assert fresh is not kept_before
    assert next(r for r in fresh.current.requirements if r.kind == "cycles").achieved == 1
    db.session.rollback()
    assert not marks.has_pending_changes()
    assert kept.progress_of(enrolment, TODAY) is kept_before


def test_each_fact_moves_the_marks_of_the_enrolments_it_counts_for(ctx, three):
    first, second, third = three
    ids = [e.id for e in three]
    supervisor = first.current_assignment.supervisor

    assert _moved(ids, lambda: _cycle(first)) == {first.id}  # through the cycle's case
    cycle = db.session.scalars(select(Cycle).join(Case).where(Case.enrolment_id == first.id)).one()
    assert _moved(ids, lambda: setattr(cycle, "micro_analysis_done", False)) == {first.id}
    pause = Pause(
        enrolment_id=second.id,
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 5, 1),
        recorded_by_id=supervisor.id,
    )
    assert _moved(ids, lambda: db.session.add(pause)) == {second.id}
    rating = Rating(
        enrolment_stage_id=third.stages[0].id,
        rater_id=third.current_assignment.supervisor_id,
        kind=RatingKind.SUPERVISOR,
        principle_id=db.session.scalars(select(Principle.id)).first(),
        score=3,
        rated_on=date(2026, 3, 1),
    )
    assert _moved(ids, lambda: db.session.add(rating)) == {third.id}
    assert _moved(ids, lambda: db.session.delete(pause)) == {second.id}
    # Writing expected dates (computed from progress) moves nothing.
    assert _moved(ids, lambda: expected_dates.refresh(three)) == set()
    # A bulk statement on a table of facts moves every enrolment's.
    bulk = update(SupervisionSession).where(SupervisionSession.minutes > 10_000).values(minutes=1)
    assert _moved(ids, lambda: db.session.execute(bulk)) == {EVERY_ENROLMENT}


def test_supervision_a_trainee_gives_moves_their_own_enrolment_too(ctx, schemes):
    """On the supervisor pathway a trainee's progress counts the sessions they give."""
    coordinator = make_user(Role.COORDINATOR)
    giver = make_user(Role.TRAINEE, Role.SUPERVISOR)
    scheme = current_scheme()
    own = enrolments.enrol(
        coordinator,
        giver,
        scheme,
        STARTED,
        stage_of(scheme, 1),
        make_user(Role.SUPERVISOR),
        TODAY,
    )
    supervised = enrolments.enrol(
        coordinator, make_user(Role.TRAINEE), scheme, STARTED, stage_of(scheme, 1), giver, TODAY
    )
    bystander = enrolled_trainee()
    db.session.commit()
    ids = [own.id, supervised.id, bystander.id]
    session = SupervisionSession(
        enrolment=supervised,
        supervisor=giver,
        held_on=date(2026, 2, 2),
        minutes=60,
        status=SessionStatus.LOGGED,
    )
    assert _moved(ids, lambda: db.session.add(session)) == {own.id, supervised.id}
    assert _moved(ids, lambda: setattr(session, "status", SessionStatus.CONFIRMED)) == {
        own.id,
        supervised.id,
    }


def test_a_savepoint_rolled_back_keeps_the_changes_made_before_it(ctx, three):
    first, second, _third = three
    ids = [e.id for e in three]

    def change() -> None:
        _cycle(first)
        nested = db.session.begin_nested()
        _cycle(second)
        nested.rollback()

    # The change before the savepoint still counts; the one rolled back may count too (its
    # enrolment's progress is then computed once more: wasted work, never stale).
    assert first.id in _moved(ids, change)


def test_only_what_a_page_reads_changes_an_enrolment_mark(ctx, three):
    """An enrolment's own columns count only where progress reads them."""
    first = three[0]
    ids = [first.id]
    assert _moved(ids, lambda: setattr(first, "expected_finish", date(2027, 1, 1))) == set()
    assert _moved(ids, lambda: setattr(first, "started_on", date(2026, 1, 6))) == {first.id}


def test_two_transactions_changing_the_same_enrolments_at_once_both_commit(committing_app):
    """Two transactions change the same two enrolments, in opposite orders, and commit at the
    same instant: the marks, written last and in the order of the ids, make one wait for the
    other at most; both land and the marks moved (PostgreSQL, real concurrent commits)."""
    with committing_app.app_context():
        load_definitions(None, default_schemes_dir())
        pair = [enrolled_trainee(), enrolled_trainee()]
        for enrolment in pair:
            _cycle(enrolment)  # and its case: each thread then only adds a cycle to each
        db.session.commit()
        ids = [e.id for e in pair]
        before = marks.marks_of(ids)
    barrier = threading.Barrier(2)

    def change(order: list[int]) -> None:
        with committing_app.app_context():
            for enrolment_id in order:
                enrolment = db.session.get(Enrolment, enrolment_id)
                assert enrolment is not None
                _cycle(enrolment)
            barrier.wait(timeout=10)
            db.session.commit()

    run_together(lambda: change(ids), lambda: change(ids[::-1]))
    with committing_app.app_context():
        after = marks.marks_of(ids)
        assert all(after[key][0] != before[key][0] for key in ids)
        cycles = db.session.scalars(
            select(Cycle.id).join(Case).where(Case.enrolment_id.in_(ids))
        ).all()
        assert len(cycles) == 6  # two before, and each transaction added one to each


def test_kept_progress_is_bounded_and_drops_the_least_recently_used():
    store = kept.KeptProgress(2)
    values = [object(), object(), object()]
    store.put(0, values[0])  # type: ignore[arg-type]
    store.put(1, values[1])  # type: ignore[arg-type]
    assert store.get(0) is values[0]  # now the most recently used
    store.put(2, values[2])  # type: ignore[arg-type]
    assert len(store) == 2
    assert store.get(1) is None
    assert store.get(0) is values[0]
    assert store.get(2) is values[2]


def test_users_are_not_facts(ctx, three):
    """Renaming a person changes no enrolment's progress."""
    user = db.session.get(User, three[0].trainee_id)
    assert user is not None
    assert _moved([three[0].id], lambda: setattr(user, "display_name", "Renamed")) == set()
