"""The pipeline dashboard's numbers on an association counted by hand (tests/builders)."""

from datetime import date

import pytest

from app.extensions import db
from app.models import CohortKind, EnrolmentStatus
from app.services.coordination import cohorts, pipeline, risk, supervisor_load
from app.services.coordination.risk import RiskReason, Thresholds
from tests.builders import pipeline as pipeline_world
from tests.query_counter import count_queries

TODAY = date(2026, 11, 24)


@pytest.fixture
def world(ctx, schemes):
    return pipeline_world.build(TODAY)


def _enrolment_ids(query):
    """The enrolments of a list's rows, in the order found."""
    return [row.enrolment_id for row in db.session.execute(query)]


def test_counts_by_scheme_and_stage(world):
    counts = {c.label.split(" (")[0]: c for c in pipeline.counts_by_scheme_and_stage()}
    aviguk = next(
        c for c in pipeline.counts_by_scheme_and_stage() if c.scheme_id == world.late.scheme_id
    )
    by_stage = {s.stage_number: s.count for s in aviguk.stages}
    assert by_stage == {0: 0, 1: 4, 2: 0, 3: 0}
    assert (aviguk.active, aviguk.accredited, aviguk.withdrawn) == (4, 1, 0)
    dutch = next(
        c for c in pipeline.counts_by_scheme_and_stage() if c.scheme_id == world.renewing.scheme_id
    )
    assert (dutch.active, dutch.accredited) == (0, 1)
    assert len(counts) == 2


def test_counts_are_one_statement_for_everyone_and_for_a_cohort(app, world):
    """Every stage of every scheme revision with enrolments, and each scheme's accredited and
    withdrawn ones, come in one statement; a cohort's counts count its trainees only."""
    with count_queries(app) as statements:
        everyone = pipeline.counts_by_scheme_and_stage()
    assert len(statements) == 1 and len(everyone) == 2
    cohort = cohorts.create_cohort(world.coordinator, "Lena's group", CohortKind.COURSE, "")
    cohorts.add_members(world.coordinator, cohort, world.late.trainee.email)
    with count_queries(app) as statements:
        (only,) = pipeline.counts_by_scheme_and_stage(cohort.id)
    assert len(statements) == 1
    assert only.scheme_id == world.late.scheme_id
    assert {s.stage_number: s.count for s in only.stages} == {0: 0, 1: 1, 2: 0, 3: 0}
    assert (only.active, only.accredited, only.withdrawn) == (1, 0, 0)
    empty = cohorts.create_cohort(world.coordinator, "Nobody yet", CohortKind.REGION, "")
    assert pipeline.counts_by_scheme_and_stage(empty.id) == []


def test_what_waits_on_coordinators(world):
    assert _enrolment_ids(pipeline.meetings_without_assessor()) == [world.fine.id]
    assert _enrolment_ids(pipeline.passes_to_ratify()) == [world.late.id]
    assert _enrolment_ids(pipeline.certificates_to_issue()) == [world.revoked.id]
    assert _enrolment_ids(pipeline.renewals_due(TODAY)) == [world.renewing.id]


def test_renewals_are_due_from_six_months_before_expiry_to_three_after(world):
    certificate = db.session.execute(pipeline.renewals_due(TODAY)).one()
    expires = certificate.expires_on
    from dateutil.relativedelta import relativedelta

    assert db.session.execute(pipeline.renewals_due(expires - relativedelta(months=6))).all()
    assert not db.session.scalars(
        pipeline.renewals_due(expires - relativedelta(months=6, days=1))
    ).all()
    assert db.session.execute(pipeline.renewals_due(expires + relativedelta(months=3))).all()
    assert not db.session.scalars(
        pipeline.renewals_due(expires + relativedelta(months=3, days=1))
    ).all()


def test_at_risk_names_each_trainee_with_its_reasons(world):
    rows = db.session.execute(risk.at_risk(TODAY, Thresholds())).all()
    reasons = {row[0].id: risk.reasons_of(row) for row in rows}
    assert reasons == {
        world.late.id: [RiskReason.LATE],
        world.quiet.id: [RiskReason.NO_SUPERVISION],
        world.waiting.id: [RiskReason.UNCONFIRMED],
    }
    only_late = db.session.execute(risk.at_risk(TODAY, Thresholds(), RiskReason.LATE)).all()
    assert [row[0].id for row in only_late] == [world.late.id]


def test_thresholds_move_who_is_at_risk(world):
    # With 16 weeks, 100 days without supervision is fine; with 20 days, 16 is fine too.
    relaxed = Thresholds(supervision_weeks=16, unconfirmed_days=20)
    rows = db.session.execute(risk.at_risk(TODAY, relaxed)).all()
    assert {row[0].id for row in rows} == {world.late.id}


def test_a_pause_takes_a_trainee_off_the_late_list(world):
    from app.services.evidence import milestones

    late = world.late
    milestones.record_pause(world.coordinator, late, date(2024, 6, 1), date(2026, 6, 30), "Leave")
    rows = db.session.execute(risk.at_risk(TODAY, Thresholds(), RiskReason.LATE)).all()
    assert rows == []
    assert late.status is EnrolmentStatus.ACTIVE


def test_supervisors_load(world):
    rows = {
        row.supervisor_id: supervisor_load.as_load(row)
        for row in db.session.execute(supervisor_load.supervisor_load())
    }
    sam = rows[world.supervisor.id]
    assert (sam.supervisees, sam.sessions_to_confirm, sam.meetings_to_assess) == (4, 1, 0)
    assert sam.oldest_waiting is not None and sam.oldest_waiting.date() == date(2026, 11, 8)
    ada = rows[world.assessor.id]
    assert (ada.supervisees, ada.sessions_to_confirm, ada.meetings_to_assess) == (0, 0, 1)


def test_count_of_matches_the_rows(world):
    query = risk.at_risk(TODAY, Thresholds())
    assert pipeline.count_of(query) == len(db.session.execute(query).all()) == 3
