"""The rules of app/authz on their own: the actions added when services and templates stopped
deciding for themselves, and `ensure`, which services call."""

from datetime import date

import pytest

from app.authz.actions import Action
from app.authz.relations import is_own_supervisor_now, is_own_supervisor_on, is_self
from app.authz.rules import NotAllowed, allows, can, ensure
from app.authz.scopes import reflection_rights
from app.errors import RuleViolation
from app.models import EnrolmentStatus, Role
from app.services.certificates import issuing
from app.services.evidence import reflections
from app.services.people import enrolments
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from tests.builders.people import make_user
from tests.builders.signoff import accredit, cast


@pytest.fixture
def people(ctx):
    load_definitions(None, default_schemes_dir())
    return cast()


def test_nobody_deactivates_merges_or_erases_themselves(ctx):
    coordinator, other = make_user(Role.COORDINATOR), make_user(Role.COORDINATOR)
    for action in (Action.DEACTIVATE_PERSON, Action.MERGE_PERSON, Action.ERASE_PERSON):
        assert can(coordinator, action, other)
        assert not can(coordinator, action, coordinator)
        assert not can(make_user(Role.SUPERVISOR), action, other)
        assert is_self(coordinator, coordinator) and not is_self(coordinator, other)


def test_issuing_needs_a_coordinator_an_accredited_enrolment_and_no_current_certificate(people):
    enrolment, coordinator = people.enrolment, people.coordinator
    assert not can(coordinator, Action.ISSUE_CERTIFICATE, enrolment)  # still active
    accredit(people)
    assert enrolment.status is EnrolmentStatus.ACCREDITED
    assert can(coordinator, Action.ISSUE_CERTIFICATE, enrolment)
    assert not can(people.supervisor, Action.ISSUE_CERTIFICATE, enrolment)
    issuing.issue(coordinator, enrolment, "Pat Practitioner", False)
    assert not can(coordinator, Action.ISSUE_CERTIFICATE, enrolment)


def test_the_meeting_exception_is_the_coordinators(people):
    enrolment = people.enrolment
    assert can(people.coordinator, Action.REQUEST_MEETING_EXCEPTION, enrolment)
    assert can(people.trainee, Action.REQUEST_MEETING, enrolment)
    assert not can(people.trainee, Action.REQUEST_MEETING_EXCEPTION, enrolment)
    assert not can(people.supervisor, Action.REQUEST_MEETING_EXCEPTION, enrolment)


def test_own_supervisor_now_and_on_a_day(people):
    enrolment, first = people.enrolment, people.supervisor
    second = make_user(Role.SUPERVISOR)
    enrolments.change_supervisor(
        people.coordinator, enrolment, second, date(2026, 6, 1), date(2026, 6, 1)
    )
    assert is_own_supervisor_now(second, enrolment) and not is_own_supervisor_now(first, enrolment)
    assert is_own_supervisor_on(first, enrolment, date(2026, 5, 31))
    assert not is_own_supervisor_on(second, enrolment, date(2026, 5, 31))
    assert is_own_supervisor_on(second, enrolment, date(2026, 6, 1))


def test_ensure_raises_a_rule_violation_shown_beside_its_field(ctx):
    coordinator = make_user(Role.COORDINATOR)
    with pytest.raises(NotAllowed) as refused:
        ensure(coordinator, Action.MERGE_PERSON, coordinator, "Not yourself.", "duplicate")
    assert isinstance(refused.value, RuleViolation)
    assert (refused.value.message, refused.value.field) == ("Not yourself.", "duplicate")
    ensure(coordinator, Action.MERGE_PERSON, make_user(Role.TRAINEE))


def test_services_judge_the_rule_while_pages_also_need_an_active_account(ctx):
    former = make_user(Role.COORDINATOR, active=False)  # the command line, say
    assert allows(former, Action.MANAGE_PEOPLE)
    assert not can(former, Action.MANAGE_PEOPLE)


def test_reflection_rights_of_a_list_agree_with_the_rules_on_each_reflection(people):
    """The reflections list decides sharing and deleting once per page from rows' authors
    (`reflection_rights`); on every reflection it must answer as `can` does, while the
    enrolment is active and after it ends."""
    enrolment, trainee = people.enrolment, people.trainee
    written = [
        reflections.write_reflection(
            trainee, enrolment, date(2026, 3, 1), "", "Waited.", private, date(2026, 11, 24)
        )
        for private in (True, False)
    ]
    viewers = [trainee, people.supervisor, people.coordinator, make_user(Role.TRAINEE)]
    decided = []
    for status in (EnrolmentStatus.ACTIVE, EnrolmentStatus.WITHDRAWN):
        enrolment.status = status
        for viewer in viewers:
            rights = reflection_rights(viewer, enrolment)
            for reflection in written:
                share = rights.may_share(reflection.author_id)
                delete = rights.may_delete(reflection.author_id)
                assert share == can(viewer, Action.SHARE_REFLECTION, reflection)
                assert delete == can(viewer, Action.DELETE_REFLECTION, reflection)
                decided.append((share, delete))
    # Both answers were met: the trainee may delete while active, and nobody may after.
    assert {(True, True), (True, False), (False, False)} <= set(decided)
