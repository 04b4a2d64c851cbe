"""A stage signed off by exception carries its reason into the progress evaluation."""

from datetime import date

import pytest

from app.services.progress.evaluate import evaluate
from app.services.progress.facts import (
    RequirementFacts,
    SchemeFacts,
    Snapshot,
    StageFacts,
    StagePeriod,
)
from app.services.progress.snapshots import progress_for
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from tests.builders.signoff import TODAY, accredit, cast


def test_the_evaluation_keeps_the_exception_of_each_period():
    cycles = RequirementFacts(1, "cycles", 6, "6 cycles")
    stages = (
        StageFacts(10, 1, "One", "none", None, (cycles,)),
        StageFacts(11, 2, "Two", "none", None, (cycles,)),
    )
    snapshot = Snapshot(
        enrolment_id=1,
        started_on=date(2026, 1, 5),
        today=date(2026, 9, 1),
        scheme=SchemeFacts(None, stages),
        periods=(
            StagePeriod(10, date(2026, 1, 5), date(2026, 5, 1), "Prior learning"),
            StagePeriod(11, date(2026, 5, 1), None),
        ),
    )
    one, two = evaluate(snapshot).stages
    assert (one.exception_reason, two.exception_reason) == ("Prior learning", "")
    assert not one.requirements[0].met  # still not met: the page says it was not required


@pytest.fixture
def people(ctx):
    load_definitions(None, default_schemes_dir())
    return cast()


def test_a_stage_ratified_by_exception_is_read_with_its_reason(people):
    accredit(people)  # the final stage's meeting is requested by exception, then ratified
    stages = [s for s in progress_for(people.enrolment, TODAY).stages if s.opened_on]
    assert [s.exception_reason for s in stages] == ["", "", "test: final stage"]
