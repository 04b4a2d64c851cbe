"""Self-assessment and supervisor ratings: history kept, competency milestones counted."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, Principle, Rating, RatingKind
from app.services.people import enrolments
from app.services.progress.snapshots import progress_for
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from app.services.signoff import ratings
from tests.builders.signoff import TODAY, cast


@pytest.fixture
def people(ctx):
    load_definitions(None, default_schemes_dir())
    return cast()


def _principle(people, code):
    return db.session.scalars(
        select(Principle).where(
            Principle.framework_id == people.enrolment.scheme.framework_id, Principle.code == code
        )
    ).one()


def test_trainee_and_own_supervisor_rate_side_by_side_and_history_is_kept(people):
    guiding = _principle(people, "guiding")
    ratings.rate(people.trainee, people.enrolment, guiding, None, 2, "unsure", [], TODAY)
    ratings.rate(
        people.supervisor, people.enrolment, guiding, guiding.elements[0], 3, "", [], TODAY
    )
    ratings.rate(people.trainee, people.enrolment, guiding, None, 3, "better", [], TODAY)
    rows = db.session.scalars(select(Rating).order_by(Rating.id)).all()
    assert [(r.kind, r.score) for r in rows] == [
        (RatingKind.SELF, 2),
        (RatingKind.SUPERVISOR, 3),
        (RatingKind.SELF, 3),
    ]
    assert (
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "rating.added")
        ).all()
        == ["rating.added"] * 3
    )


@pytest.mark.parametrize(
    ("who", "score", "field"),
    [
        ("stranger", 3, None),
        ("assessor", 3, None),
        ("trainee", 0, "score"),
        ("trainee", 6, "score"),
    ],
)
def test_ratings_are_refused_for_others_and_outside_the_scale(people, who, score, field):
    with pytest.raises(RuleViolation) as raised:
        ratings.rate(
            getattr(people, who),
            people.enrolment,
            _principle(people, "guiding"),
            None,
            score,
            "",
            [],
            TODAY,
        )
    assert raised.value.field == field


def test_the_supervisors_rating_meets_a_competency_milestone(people):
    for _ in range(2):
        enrolments.advance_stage(people.coordinator, people.enrolment, TODAY - timedelta(days=3))
        db.session.expire(people.enrolment)
    guiding = _principle(people, "guiding")
    ratings.rate(people.trainee, people.enrolment, guiding, None, 5, "", [], TODAY)
    stage = progress_for(people.enrolment, TODAY).current
    milestone = next(
        r for r in stage.requirements if r.kind == "competency" and "Guiding" in r.label
    )
    assert not milestone.met  # a self-assessment does not count
    ratings.rate(people.supervisor, people.enrolment, guiding, None, 4, "", [], TODAY)
    stage = progress_for(people.enrolment, TODAY + timedelta(days=1)).current
    milestone = next(
        r for r in stage.requirements if r.kind == "competency" and "Guiding" in r.label
    )
    assert milestone.met and milestone.achieved == 4 and milestone.reached_on == TODAY
