"""The expected dates stored on enrolments are the ones the progress pages compute."""

from datetime import date

from app.models import Enrolment
from app.services.evidence import milestones
from app.services.progress.snapshots import progress_for
from tests.builders.people import enrolled_trainee


def _stored(enrolment: Enrolment) -> tuple[date | None, date | None]:
    return enrolment.expected_finish, enrolment.stage_expected_end


def _computed(enrolment: Enrolment) -> tuple[date | None, date | None]:
    progress = progress_for(enrolment, date(2026, 11, 24))
    current = progress.current
    return progress.expected_finish, current.expected_end if current else None


def test_enrolling_stores_the_dates_the_progress_page_shows(ctx, schemes):
    enrolment = enrolled_trainee(started_on=date(2026, 1, 5))
    assert _stored(enrolment) == _computed(enrolment)
    assert enrolment.expected_finish is not None and enrolment.stage_expected_end is not None


def test_a_pause_pushes_both_dates_back_by_its_days(ctx, schemes):
    enrolment = enrolled_trainee(started_on=date(2026, 1, 5))
    finish, end = _stored(enrolment)
    assert finish is not None and end is not None
    milestones.record_pause(
        enrolment.trainee, enrolment, date(2026, 2, 1), date(2026, 2, 10), "Illness"
    )
    assert _stored(enrolment) == _computed(enrolment)
    assert (enrolment.expected_finish - finish).days == 10
    assert (enrolment.stage_expected_end - end).days == 10


def test_advancing_and_accrediting_follow_the_open_stage(ctx, schemes):
    from tests.builders.signoff import accredit, cast

    people = cast()
    enrolment = people.enrolment
    first_end = enrolment.stage_expected_end
    accredit(people)
    assert enrolment.status.value == "accredited"
    assert enrolment.stage_expected_end is None and first_end is not None
    assert enrolment.expected_finish == _computed(enrolment)[0]
