"""Every decision two people can make on the same thing at the same instant, raced for real:
gunicorn with 4 workers on PostgreSQL, two signed-in browsers released together by a barrier,
a few rounds on fresh targets. Exactly one lands (the database says so), the other person reads
why not, and the server logs no traceback. (SQLite serialises writers itself: PostgreSQL only.)
"""

import os
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEvent,
    Certificate,
    CohortMember,
    EnrolmentStage,
    MeetingStatus,
    SessionStatus,
    StageMeeting,
    SupervisionSession,
    User,
)
from app.services.people.account_status import ERASED, MERGED
from tests.databases import worker_id
from tests.live import race_world
from tests.live.client import Browser
from tests.live.race_world import Crew, World
from tests.live.races import LogWatch, Shot, fire, one_won
from tests.live.server import DemoTemplate, LiveServer, serve
from tests.smtp_server import Inbox

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="needs PostgreSQL (SQLite serialises writers itself)",
    ),
]
ROUNDS = 3
REFUSED_NOW = "that cannot be done now."


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, demo_template: DemoTemplate, smtp: Inbox
) -> Iterator[LiveServer]:
    """The app under gunicorn, 4 workers of 2 threads, on a copy of the demo on PostgreSQL."""
    name = re.sub(r"\W+", "_", f"live_{worker_id()}_races")
    folder = tmp_path_factory.mktemp(name)
    with serve(folder, demo_template, smtp.port, workers=4, threads=2, name=name) as live:
        yield live
        errors = live.errors_logged()
    assert not errors, "the server logged unhandled errors:\n" + live.log_text()[-20000:]


@pytest.fixture(scope="module")
def world(server: LiveServer, smtp: Inbox) -> Iterator[World]:
    """The served database, for making targets and reading what landed."""
    made = World(server.database_url, smtp.port)
    yield made
    made.close()


@pytest.fixture(scope="module")
def crew(world: World) -> Crew:
    """Two coordinators, an assessor and an own supervisor."""
    return world.make(race_world.crew)


@pytest.fixture(scope="module")
def tabs(server: LiveServer, crew: Crew) -> dict[str, tuple[Browser, Browser]]:
    """Two signed-in browsers each: the two coordinators; the assessor's and the supervisor's
    two tabs (two sign-ins of one person)."""
    password = "correct horse battery"

    def signed_in(email: str) -> Browser:
        browser = Browser(server.url)
        browser.sign_in(email, password)
        return browser

    return {
        "coordinators": (signed_in(crew.coordinators[0]), signed_in(crew.coordinators[1])),
        "assessor": (signed_in(crew.assessor), signed_in(crew.assessor)),
        "supervisor": (signed_in(crew.supervisor), signed_in(crew.supervisor)),
    }


@pytest.fixture
def watch(server: LiveServer) -> Iterator[None]:
    """The test fails if the server logged a traceback while it ran."""
    log = LogWatch(server)
    yield
    log.assert_quiet()


def _both(tabs: tuple[Browser, Browser], page: str, action: str, *fields: dict[str, str]):
    """The same form sent from both tabs (each with its own fields, when two are given)."""
    first, second = (fields[0], fields[-1]) if fields else ({}, {})
    return [Shot(tabs[0], page, action, first), Shot(tabs[1], page, action, second)]


def _audits(action: str, subject_ids: list[int]) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == action, AuditEvent.subject_id.in_(subject_ids))
    )


def _certificates(enrolment_id: int) -> tuple[int, int, list[int]]:
    """(all, current, ids) of an enrolment's certificates."""
    rows = db.session.scalars(
        select(Certificate).where(Certificate.enrolment_id == enrolment_id)
    ).all()
    current = [c for c in rows if c.revoked_at is None and c.superseded_by_id is None]
    return len(rows), len(current), [c.id for c in rows]


def _issued(enrolment_id: int) -> tuple[int, int, int]:
    every, current, ids = _certificates(enrolment_id)
    return every, current, _audits("certificate.issued", ids)


def _replaced(certificate_id: int, action: str) -> tuple[int, int, int]:
    """(all, current) certificates of its enrolment, and audit entries of `action` on it."""
    certificate = db.session.get(Certificate, certificate_id)
    assert certificate is not None
    every, current, _ids = _certificates(certificate.enrolment_id)
    return every, current, _audits(action, [certificate_id])


def _outcome(meeting_id: int) -> tuple[int, str]:
    """How many outcomes were recorded, and the one that stands (never contradictory)."""
    meeting = db.session.get(StageMeeting, meeting_id)
    assert meeting is not None
    outcomes = _audits("meeting.passed", [meeting_id]) + _audits("meeting.not_yet", [meeting_id])
    # A pass has its digest and no new target; "not yet" the reverse.
    if meeting.status is MeetingStatus.PASSED:
        assert meeting.digest is not None and meeting.new_target_on is None
    else:
        assert meeting.digest is None and meeting.new_target_on is not None
    return outcomes, meeting.status.value


def _session_decision(session_id: int) -> tuple[int, str]:
    """How many decisions were recorded, and the one that stands (never contradictory)."""
    session = db.session.get(SupervisionSession, session_id)
    assert session is not None and session.decided_at is not None
    decisions = _audits("session.confirmed", [session_id]) + _audits(
        "session.returned", [session_id]
    )
    if session.status is SessionStatus.CONFIRMED:
        assert session.return_reason == ""
    else:
        assert session.return_reason == "Race: wrong date"
    return decisions, session.status.value


def _merges(duplicate: str) -> int:
    gone = db.session.scalar(select(User.id).where(User.email == duplicate))
    return _audits(MERGED, [gone])


def _membership(cohort_id: int, trainee_id: int) -> tuple[int, int]:
    members = db.session.scalar(
        select(func.count())
        .select_from(CohortMember)
        .where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == trainee_id)
    )
    return members, _audits("cohort.members_added", [cohort_id])


def _meetings(enrolment_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(StageMeeting)
        .join(EnrolmentStage)
        .where(EnrolmentStage.enrolment_id == enrolment_id)
    )


def test_two_coordinators_issue_one_certificate(world, crew, tabs, watch):
    for _ in range(ROUNDS):
        enrolment_id = world.make(race_world.ratified_enrolment, crew)
        answers = fire(
            _both(
                tabs["coordinators"],
                f"/enrolments/{enrolment_id}",
                f"/enrolments/{enrolment_id}/certificates",
                {"holder_name": "Race Practitioner"},
            )
        )
        one_won(answers, ["is issued."], ["A certificate is already issued"])
        assert world.read(_issued, enrolment_id) == (1, 1, 1)


def test_two_coordinators_revoke_a_certificate_once(world, crew, tabs, watch):
    for _ in range(ROUNDS):
        _enrolment_id, certificate_id = world.make(race_world.certified, crew)
        fields = {"scope": "document", "reason": "Race: printed wrongly"}
        answers = fire(
            _both(
                tabs["coordinators"],
                f"/certificates/{certificate_id}",
                f"/certificates/{certificate_id}/revoke",
                fields,
            )
        )
        one_won(answers, ["The certificate is revoked"], ["already revoked"])
        assert world.read(_replaced, certificate_id, "certificate.revoked") == (1, 0, 1)


def test_two_coordinators_reissue_a_certificate_once(world, crew, tabs, watch):
    for _ in range(ROUNDS):
        _enrolment_id, certificate_id = world.make(race_world.certified, crew)
        answers = fire(
            _both(
                tabs["coordinators"],
                f"/certificates/{certificate_id}",
                f"/certificates/{certificate_id}/reissue",
                {"holder_name": "Race Renamed"},
                {"holder_name": "Race Renamed Otherwise"},
            )
        )
        one_won(answers, ["replaces"], ["Only a current certificate can be re-issued."])
        assert world.read(_replaced, certificate_id, "certificate.reissued") == (2, 1, 1)


def test_two_coordinators_renew_a_certificate_once(world, tabs, watch):
    for _ in range(ROUNDS):
        certificate_id = world.make(race_world.renewable)
        answers = fire(
            _both(
                tabs["coordinators"],
                f"/certificates/{certificate_id}",
                f"/certificates/{certificate_id}/renew",
            )
        )
        one_won(answers, ["renews"], ["Only a current certificate can be renewed."])
        assert world.read(_replaced, certificate_id, "certificate.renewed") == (2, 1, 1)


def _meeting_decision(
    world: World,
    crew: Crew,
    tabs: dict[str, tuple[Browser, Browser]],
    status: MeetingStatus,
    path: str,
    fields: dict[str, str],
    landed: str,
    audit_action: str,
) -> None:
    for _ in range(ROUNDS):
        meeting_id = world.make(race_world.meeting_id_in, crew, status)
        page = f"/meetings/{meeting_id}"
        answers = fire(_both(tabs["coordinators"], page, f"{page}/{path}", fields))
        one_won(answers, [landed], [REFUSED_NOW])
        assert world.read(_audits, audit_action, [meeting_id]) == 1


def test_two_coordinators_ratify_once(world, crew, tabs, watch):
    _meeting_decision(
        world, crew, tabs, MeetingStatus.PASSED, "ratify", {}, "Ratified.", "meeting.ratified"
    )


def test_two_coordinators_send_back_once(world, crew, tabs, watch):
    _meeting_decision(
        world,
        crew,
        tabs,
        MeetingStatus.PASSED,
        "send-back",
        {"reason": "Race: the clips are missing"},
        "Sent back to the assessor.",
        "meeting.sent_back",
    )


def test_two_coordinators_reopen_once(world, crew, tabs, watch):
    _meeting_decision(
        world,
        crew,
        tabs,
        MeetingStatus.RATIFIED,
        "reopen",
        {"reason": "Race: ratified in error"},
        "The stage is reopened",
        "meeting.voided",
    )


def test_the_assessor_passes_and_fails_at_once_and_one_outcome_lands(world, crew, tabs, watch):
    day = race_world.today()
    held = {"held_on": day.isoformat(), "minutes": "60", "documents_read": ""}
    passed = {**held, "outcome": "passed"}
    not_yet = {
        **held,
        "outcome": "not_yet",
        "actions": "Race: two more films",
        "new_target_on": (day + timedelta(days=60)).isoformat(),
    }
    for _ in range(ROUNDS):
        meeting_id = world.make(race_world.meeting_id_in, crew, MeetingStatus.ASSESSOR_NAMED)
        page = f"/meetings/{meeting_id}"
        answers = fire(_both(tabs["assessor"], page, f"{page}/outcome", passed, not_yet))
        one_won(answers, ["The outcome is recorded."], [REFUSED_NOW])
        outcomes, status = world.read(_outcome, meeting_id)
        assert outcomes == 1 and status in ("passed", "not_yet")


def test_the_supervisor_confirms_and_returns_at_once_and_one_decision_lands(
    world, crew, tabs, watch
):
    confirm = {"confirm": "Confirm the session", "reflection": "", "feedback": ""}
    give_back = {"send_back": "Return to the trainee", "reason": "Race: wrong date"}
    for _ in range(ROUNDS):
        session_id = world.make(race_world.logged_session, crew)
        page = f"/sessions/{session_id}"
        answers = fire(_both(tabs["supervisor"], page, f"{page}/decide", confirm, give_back))
        one_won(
            answers,
            ["Session confirmed.", "The session went back to the trainee."],
            ["This session is already confirmed.", "This session is already returned."],
        )
        decisions, status = world.read(_session_decision, session_id)
        assert decisions == 1 and status in ("confirmed", "returned")


def _confirmed_at_once(session_ids: list[int]) -> tuple[int, list[str]]:
    """How many confirmations were recorded for these sessions, and their statuses."""
    statuses = [db.session.get(SupervisionSession, n).status.value for n in session_ids]
    return _audits("session.confirmed", session_ids), statuses


def test_the_supervisor_confirms_the_same_sessions_at_once_from_two_tabs(world, crew, tabs, watch):
    for _ in range(ROUNDS):
        ids = [world.make(race_world.logged_session, crew) for _ in range(2)]
        chosen = {"sessions": [str(n) for n in ids]}
        answers = fire(_both(tabs["supervisor"], "/", "/sessions/confirm", chosen))
        one_won(answers, ["2 sessions confirmed."], ["decided meanwhile", "Nothing was confirmed"])
        confirmations, statuses = world.read(_confirmed_at_once, ids)
        assert confirmations == 2 and statuses == ["confirmed", "confirmed"]


def test_two_coordinators_merge_the_same_accounts_once(world, tabs, watch):
    for _ in range(ROUNDS):
        keep_id, duplicate = world.make(race_world.two_accounts)
        page = f"/people/{keep_id}/merge"
        fields = {"duplicate": duplicate, "note": "Race: one person", "confirm": "y"}
        answers = fire(_both(tabs["coordinators"], page, page, fields))
        one_won(answers, ["is merged into this account"], ["was already merged into"])
        assert world.read(_merges, duplicate) == 1


def test_two_coordinators_erase_the_same_person_once(world, tabs, watch):
    for _ in range(ROUNDS):
        person_id, email = world.make(race_world.person_to_erase)
        page = f"/people/{person_id}/erase"
        fields = {"reason": "Race: asked to be erased", "confirm_email": email}
        answers = fire(_both(tabs["coordinators"], page, page, fields))
        one_won(
            answers,
            ["The person is erased."],
            ["This person is already erased.", "This person is erased."],
        )
        assert world.read(_audits, ERASED, [person_id]) == 1


def test_two_coordinators_add_the_same_trainee_to_a_cohort_once(world, crew, tabs, watch):
    for _ in range(ROUNDS):
        cohort_id, email, trainee_id = world.make(race_world.cohort_and_trainee, crew)
        page = f"/cohorts/{cohort_id}"
        answers = fire(_both(tabs["coordinators"], page, f"{page}/members", {"addresses": email}))
        one_won(answers, ["1 trainee added."], ["Everyone named is already in the cohort."])
        assert world.read(_membership, cohort_id, trainee_id) == (1, 1)


def test_two_coordinators_request_one_stage_meeting(world, crew, tabs, watch):
    for _ in range(ROUNDS):
        enrolment_id = world.make(race_world.enrolment_at_last_stage, crew)
        page = f"/enrolments/{enrolment_id}"
        fields = {"reason": "Race: prior learning"}
        answers = fire(_both(tabs["coordinators"], page, f"{page}/meeting-request", fields))
        one_won(
            answers,
            ["The meeting is requested"],
            ["A meeting for this stage is already under way."],
        )
        assert world.read(_meetings, enrolment_id) == 1


def _one_of(meeting_id: int, *actions: str) -> int:
    return sum(_audits(action, [meeting_id]) for action in actions)


def test_ratify_and_send_back_at_once_make_one_decision(world, crew, tabs, watch):
    for _ in range(ROUNDS):
        meeting_id = world.make(race_world.meeting_id_in, crew, MeetingStatus.PASSED)
        page = f"/meetings/{meeting_id}"
        first, second = tabs["coordinators"]
        answers = fire(
            [
                Shot(first, page, f"{page}/ratify"),
                Shot(second, page, f"{page}/send-back", {"reason": "Race: clips missing"}),
            ]
        )
        one_won(answers, ["Ratified.", "Sent back to the assessor."], [REFUSED_NOW])
        decided = world.read(_one_of, meeting_id, "meeting.ratified", "meeting.sent_back")
        assert decided == 1


def test_revoke_and_reissue_at_once_make_one_decision(world, crew, tabs, watch):
    for _ in range(ROUNDS):
        _enrolment_id, certificate_id = world.make(race_world.certified, crew)
        page = f"/certificates/{certificate_id}"
        first, second = tabs["coordinators"]
        revoke = {"scope": "document", "reason": "Race: printed wrongly"}
        answers = fire(
            [
                Shot(first, page, f"{page}/revoke", revoke),
                Shot(second, page, f"{page}/reissue", {"holder_name": "Race Renamed"}),
            ]
        )
        one_won(
            answers,
            ["The certificate is revoked", "replaces"],
            ["Only a current certificate can be re-issued.", "already replaced by a newer one"],
        )
        revoked = world.read(_replaced, certificate_id, "certificate.revoked")
        reissued = world.read(_replaced, certificate_id, "certificate.reissued")
        # Revoked: no certificate is current; re-issued: the replacement is.
        assert (revoked, reissued) in [((1, 0, 1), (1, 0, 0)), ((2, 1, 0), (2, 1, 1))]


def _reopened_or_issued(meeting_id: int) -> tuple[int, int, str]:
    """(reopenings, current certificates) of the meeting's enrolment, and its status: never a
    certificate standing on an enrolment that is no longer accredited."""
    meeting = db.session.get(StageMeeting, meeting_id)
    assert meeting is not None
    enrolment = meeting.enrolment_stage.enrolment
    _every, current, _ids = _certificates(enrolment.id)
    return _audits("meeting.voided", [meeting_id]), current, enrolment.status.value


def test_issue_and_reopen_at_once_make_one_decision(world, crew, tabs, watch):
    for _ in range(ROUNDS):
        meeting_id = world.make(race_world.meeting_id_in, crew, MeetingStatus.RATIFIED)
        enrolment_id = world.read(
            lambda m: db.session.get(StageMeeting, m).enrolment_stage.enrolment_id, meeting_id
        )
        first, second = tabs["coordinators"]
        answers = fire(
            [
                Shot(
                    first,
                    f"/enrolments/{enrolment_id}",
                    f"/enrolments/{enrolment_id}/certificates",
                    {"holder_name": "Race Practitioner"},
                ),
                Shot(
                    second,
                    f"/meetings/{meeting_id}",
                    f"/meetings/{meeting_id}/reopen",
                    {"reason": "Race: ratified in error"},
                ),
            ]
        )
        one_won(
            answers,
            ["is issued.", "The stage is reopened"],
            ["revoke it before reopening", "Certificates are issued once"],
        )
        assert world.read(_reopened_or_issued, meeting_id) in [
            (0, 1, "accredited"),
            (1, 0, "active"),
        ]
