"""One-time links, own-account changes (each audited) and who may assess."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, NotifyBy, Role, Scheme, SupervisorGrade, TokenPurpose
from app.services.people import accounts, directory
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from app.services.signoff import assessors
from tests.builders.people import DEFAULT_PASSWORD, make_user


def _actions(subject_id):
    return [
        e.action
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject_id == subject_id).order_by(AuditEvent.id)
        )
    ]


def test_using_an_invitation_is_audited_and_spends_the_link(ctx):
    person, raw = directory.invite_person(
        None, "i@example.org", "I", [Role.TRAINEE], None, timedelta(hours=1)
    )
    user = accounts.use_link(raw, TokenPurpose.INVITE, "chosen password!")
    assert user is person
    assert accounts.check_link(raw, TokenPurpose.INVITE).state is accounts.LinkState.USED
    with pytest.raises(RuleViolation, match="used"):
        accounts.use_link(raw, TokenPurpose.INVITE, "another password!")
    assert _actions(person.id) == [
        "user.created",
        "user.invite_link_issued",
        "user.password_set",
        "user.invite_link_used",
    ]


def test_a_reset_link_does_not_open_an_invitation(ctx):
    _person, raw = directory.invite_person(
        None, "j@example.org", "J", [Role.TRAINEE], None, timedelta(hours=1)
    )
    assert accounts.check_link(raw, TokenPurpose.RESET).state is accounts.LinkState.UNKNOWN


def test_expired_link_sets_nothing(ctx):
    person, raw = directory.invite_person(
        None, "k@example.org", "K", [Role.TRAINEE], None, timedelta(seconds=-1)
    )
    with pytest.raises(RuleViolation, match="expired"):
        accounts.use_link(raw, TokenPurpose.INVITE, "chosen password!")
    assert person.password_hash is None


def test_reset_request_for_unknown_or_deactivated_address_issues_nothing(ctx):
    make_user(Role.TRAINEE, email="off@example.org", active=False)
    assert accounts.request_password_reset("nobody@example.org", timedelta(hours=1)) is None
    assert accounts.request_password_reset("off@example.org", timedelta(hours=1)) is None


def test_own_password_and_profile_changes_are_audited(ctx):
    me = make_user(Role.TRAINEE, name="Me")
    accounts.change_own_password(me, DEFAULT_PASSWORD, "my new password")
    directory.update_own_profile(me, "Me Again", "Europe/Athens", NotifyBy.DIGEST, "nl")
    assert _actions(me.id) == ["user.password_set", "user.profile_updated"]
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.profile_updated")
    ).one()
    assert event.before == {
        "display_name": "Me",
        "timezone": "Europe/London",
        "notify_by": "immediate",
        "locale": "en",
    }
    assert event.after == {
        "display_name": "Me Again",
        "timezone": "Europe/Athens",
        "notify_by": "digest",
        "locale": "nl",
    }
    assert "my new password" not in str([e.after for e in db.session.scalars(select(AuditEvent))])


@pytest.mark.parametrize(
    ("scheme_code", "grade", "may"),
    [
        ("aviguk-practitioner", SupervisorGrade.IN_TRAINING, False),
        ("aviguk-practitioner", SupervisorGrade.SUPERVISOR, True),
        ("aviguk-practitioner", SupervisorGrade.ADVANCED, True),
        ("vig-supervisor", SupervisorGrade.SUPERVISOR, False),
        ("vig-supervisor", SupervisorGrade.ADVANCED, True),
    ],
)
def test_the_scheme_decides_which_grades_assess(ctx, scheme_code, grade, may):
    load_definitions(None, default_schemes_dir())
    scheme = db.session.scalars(select(Scheme).where(Scheme.code == scheme_code)).first()
    supervisor = make_user(Role.SUPERVISOR, grade=grade)
    assert assessors.grade_may_assess(supervisor, scheme) is may


def test_trainees_and_deactivated_supervisors_never_assess(ctx):
    load_definitions(None, default_schemes_dir())
    scheme = db.session.scalars(select(Scheme).where(Scheme.code == "aviguk-practitioner")).first()
    assert not assessors.grade_may_assess(make_user(Role.TRAINEE), scheme)
    retired = make_user(Role.SUPERVISOR, grade=SupervisorGrade.ADVANCED, active=False)
    assert not assessors.grade_may_assess(retired, scheme)


@pytest.mark.parametrize("zone", ["Mars/Base", "", "europe/london", "../../etc/passwd"])
def test_a_time_zone_that_does_not_exist_is_refused(ctx, zone):
    me = make_user(Role.TRAINEE, name="Me")
    with pytest.raises(RuleViolation) as refused:
        directory.update_own_profile(me, "Me Again", zone, NotifyBy.DIGEST)
    assert refused.value.field == "timezone"
    assert (me.display_name, me.timezone) == ("Me", "Europe/London")
    assert _actions(me.id) == []
