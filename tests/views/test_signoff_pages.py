"""The sign-off path through the pages: request, assessor, outcome, lock, digest, ratification
(once: a second click is refused with a message), and a locked film's page."""

import io
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEvent,
    ConsentScope,
    Cycle,
    Enrolment,
    EvidenceLock,
    Film,
    MeetingStatus,
    Role,
    StageMeeting,
    SupervisorGrade,
    User,
)
from app.services.evidence import clips, films
from app.services.progress.snapshots import progress_for
from app.services.signoff import decisions as decide
from app.services.signoff import meetings as signoff
from tests.builders.clips import folder_clips
from tests.builders.evidence import build_world, mp4_bytes
from tests.builders.people import make_user
from tests.builders.signoff import TODAY, cast
from tests.builders.web import client_as, committed


@pytest.fixture
def people(app, schemes):
    with committed(app):
        built = cast()
        return {
            name: getattr(built, name).email
            for name in ("trainee", "supervisor", "assessor", "coordinator", "stranger")
        } | {"enrolment": built.enrolment.id}


def _meeting_id(app):
    with committed(app):
        return db.session.scalars(select(StageMeeting.id)).one()


def test_the_whole_sign_off_through_the_pages(app, people, mailbox):
    trainee, coordinator = client_as(app, people["trainee"]), client_as(app, people["coordinator"])
    progress_page = f"/enrolments/{people['enrolment']}"
    assert "Request the end-of-stage meeting" in trainee.get(progress_page).get_data(as_text=True)
    response = trainee.post(f"{progress_page}/meeting-request")
    meeting = f"/meetings/{_meeting_id(app)}"
    assert response.headers["Location"] == meeting
    assert mailbox.to(people["coordinator"]), "coordinators hear of the request by e-mail"
    # The progress page leads to the open meeting and lists it, by stage, state and day.
    shown = trainee.get(progress_page).get_data(as_text=True)
    opened = f'<a class="button" href="{meeting}">Stage 1 meeting: Requested: waiting for'
    assert opened in shown and "Request the end-of-stage meeting" not in shown
    listed = re.search(rf'<li><a href="{meeting}">Stage 1 meeting</a> · Requested: [^·]+· ', shown)
    assert listed is not None

    page = coordinator.get(meeting).get_data(as_text=True)
    options = re.findall(r'<option value="\d+">([^<]+)</option>', page)
    assert options  # eligible assessors only: never the trainee's own supervisor
    with committed(app):
        own = db.session.scalars(select(StageMeeting)).one().enrolment_stage.enrolment
        own_name = own.current_assignment.supervisor.display_name
    assert own_name not in options
    with committed(app):
        assessor_id = db.session.scalars(
            select(User.id).where(User.email == people["assessor"])
        ).one()
        supervisor_id = db.session.scalars(
            select(User.id).where(User.email == people["supervisor"])
        ).one()
    refused = coordinator.post(f"{meeting}/assessor", data={"assessor": supervisor_id})
    assert refused.status_code == 422
    assert (
        coordinator.post(f"{meeting}/assessor", data={"assessor": assessor_id}).status_code == 302
    )

    assessor = client_as(app, people["assessor"])
    assert assessor.get(f"/enrolments/{people['enrolment']}/cases").status_code == 200
    bad = assessor.post(
        f"{meeting}/outcome", data={"held_on": "2026-11-20", "minutes": "60", "outcome": "not_yet"}
    )
    assert bad.status_code == 422
    assert "Write the actions agreed" in bad.get_data(as_text=True)
    passed = assessor.post(
        f"{meeting}/outcome",
        data={
            "held_on": "2026-11-20",
            "minutes": "60",
            "outcome": "passed",
            "documents_read": "Reflective notes",
        },
    )
    assert passed.status_code == 302
    with committed(app):
        assert db.session.scalar(select(EvidenceLock.id).limit(1)) is not None
        cycle = db.session.scalars(select(Cycle)).first()
    locked = trainee.post(
        f"/cycles/{cycle.id}/edit",
        data={
            "filmed_on": cycle.filmed_on.isoformat(),
            "micro_analysis_done": "y",
            "shared_review_on": cycle.shared_review_on.isoformat(),
            "notes": "changed",
        },
    )
    assert locked.status_code == 422
    assert "Locked: this counted for stage 1" in locked.get_data(as_text=True)
    assert "The evidence still matches what was signed." in trainee.get(meeting).get_data(
        as_text=True
    )
    case_page = trainee.get(f"/cases/{cycle.case_id}").get_data(as_text=True)
    assert "Locked: this counted for stage 1" in case_page
    assert "Change details" not in case_page

    supervisor = client_as(app, people["supervisor"])
    assert supervisor.post(f"{meeting}/statement", data={"statement": "Ready."}).status_code == 302
    assert coordinator.post(f"{meeting}/ratify").status_code == 302
    assert "Stage 2" in trainee.get("/").get_data(as_text=True)
    shown = trainee.get(progress_page).get_data(as_text=True)
    assert f'<li><a href="{meeting}">Stage 1 meeting</a> · Ratified · ' in shown
    assert f'class="button" href="{meeting}"' not in shown  # stage 2 has no meeting open
    assert any("ratified" in m["Subject"] for m in mailbox.to(people["trainee"]))


def test_reopening_needs_a_reason_and_tells_everyone(app, people, mailbox):

    with committed(app):
        enrolment = db.session.get(Enrolment, people["enrolment"])
        meeting = signoff.request_meeting(
            enrolment.trainee, enrolment, progress_for(enrolment, TODAY)
        )
        by_email = {u.email: u for u in db.session.scalars(select(User))}
        signoff.name_assessor(
            by_email[people["coordinator"]], meeting.id, by_email[people["assessor"]], TODAY
        )
        decide.record_outcome(
            by_email[people["assessor"]],
            meeting.id,
            MeetingStatus.PASSED,
            TODAY,
            60,
            [],
            "",
            "",
            None,
            TODAY,
        )
        meeting_id = meeting.id
    coordinator = client_as(app, people["coordinator"])
    empty = coordinator.post(f"/meetings/{meeting_id}/reopen", data={"reason": ""})
    assert empty.status_code == 422
    mailbox.messages.clear()
    assert (
        coordinator.post(
            f"/meetings/{meeting_id}/reopen", data={"reason": "Conflict of interest found"}
        ).status_code
        == 302
    )
    told = {m["To"] for m in mailbox.messages}
    assert {people["trainee"], people["supervisor"], people["assessor"]} <= told


@pytest.mark.parametrize(
    ("who", "path", "method", "expected"),
    [
        ("stranger", "/meetings/{m}", "get", 404),
        ("trainee", "/meetings/{m}", "get", 200),
        ("supervisor", "/meetings/{m}", "get", 200),
        ("trainee", "/meetings/{m}/assessor", "post", 403),
        ("supervisor", "/meetings/{m}/ratify", "post", 403),
        ("stranger", "/meetings/{m}/outcome", "post", 404),
        ("trainee", "/meetings/{m}/outcome", "post", 403),
        ("coordinator", "/meetings/{m}/statement", "post", 403),
        ("stranger", "/enrolments/{e}/ratings", "get", 404),
        ("coordinator", "/enrolments/{e}/ratings", "get", 200),
        ("coordinator", "/enrolments/{e}/ratings", "post", 403),
        ("supervisor", "/enrolments/{e}/meeting-request", "post", 403),
    ],
)
def test_sign_off_pages_answer_each_person_as_the_rules_say(
    app, people, who, path, method, expected
):
    trainee = client_as(app, people["trainee"])
    trainee.post(f"/enrolments/{people['enrolment']}/meeting-request")
    client = client_as(app, people[who])
    response = getattr(client, method)(path.format(m=_meeting_id(app), e=people["enrolment"]))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("scopes", "expected"), [({"filming", "assessor"}, 200), ({"filming", "own_supervisor"}, 404)]
)
def test_the_assessor_sees_clips_only_as_the_consent_allows(
    app, schemes, tmp_path, scopes, expected
):
    app.config["CLIP_STORAGE_DIR"] = str(tmp_path)
    app.extensions["clip_storage"] = storage = folder_clips(tmp_path)
    with committed(app):
        world = build_world({ConsentScope(s) for s in scopes})
        film = db.session.get(Film, world.film_id)
        clips.attach_clip(
            film.cycle.case.enrolment.trainee,
            film,
            io.BytesIO(mp4_bytes(5000)),
            storage,
            100_000,
            ("video/mp4",),
        )
        enrolment = film.cycle.case.enrolment
        by_email = {u.email: u for u in db.session.scalars(select(User))}
        meeting = signoff.request_meeting(
            by_email[world.coordinator], enrolment, progress_for(enrolment, TODAY), "test exception"
        )
        assessor = make_user(Role.SUPERVISOR, grade=SupervisorGrade.ADVANCED)
        signoff.name_assessor(by_email[world.coordinator], meeting.id, assessor, TODAY)
        assessor_email = assessor.email
    client = client_as(app, assessor_email)
    assert client.get(f"/films/{world.film_id}").status_code == 200
    response = client.get(f"/films/{world.film_id}/clip")
    response.get_data()
    response.close()
    assert response.status_code == expected


def _passed_meeting(app, people, with_moment: bool = False) -> dict[str, int]:
    """A stage-1 meeting the assessor passed (its evidence is now locked), and optionally a
    moment marked on one of its films beforehand."""
    with committed(app):
        enrolment = db.session.get(Enrolment, people["enrolment"])
        by_email = {u.email: u for u in db.session.scalars(select(User))}
        film = db.session.scalars(select(Film).order_by(Film.id)).first()
        if with_moment:
            principle = enrolment.scheme.framework.principles[0]
            films.add_moment(enrolment.trainee, film, 1000, 5000, principle, None, "Turn-taking")
        meeting = signoff.request_meeting(
            enrolment.trainee, enrolment, progress_for(enrolment, TODAY)
        )
        signoff.name_assessor(
            by_email[people["coordinator"]], meeting.id, by_email[people["assessor"]], TODAY
        )
        decide.record_outcome(
            by_email[people["assessor"]],
            meeting.id,
            MeetingStatus.PASSED,
            TODAY,
            60,
            [],
            "",
            "",
            None,
            TODAY,
        )
        moment_id = film.moments[0].id if with_moment else 0
        principle_id = enrolment.scheme.framework.principles[0].id
        return {
            "meeting": meeting.id,
            "film": film.id,
            "moment": moment_id,
            "principle": principle_id,
        }


def test_a_second_ratification_is_refused_with_a_message_not_an_error(app, people):
    meeting = _passed_meeting(app, people)["meeting"]
    first, stale = client_as(app, people["coordinator"]), client_as(app, people["coordinator"])
    assert first.post(f"/meetings/{meeting}/ratify").status_code == 302
    again = stale.post(f"/meetings/{meeting}/ratify")  # a double click, or a tab left open
    assert again.status_code == 302
    assert again.headers["Location"] == f"/meetings/{meeting}"
    page = stale.get(f"/meetings/{meeting}").get_data(as_text=True)
    assert "This meeting is ratified; that cannot be done now." in page
    with committed(app):
        ratified = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "meeting.ratified")
        ).all()
        assert len(ratified) == 1


def test_a_locked_film_offers_no_moment_changes_and_refuses_them_with_a_message(app, people):
    ids = _passed_meeting(app, people, with_moment=True)
    trainee = client_as(app, people["trainee"])
    page = trainee.get(f"/films/{ids['film']}").get_data(as_text=True)
    assert "Locked: this counted for stage 1" in page
    assert "Turn-taking" in page
    for action in ("Remove", "Mark a moment", "Change details", "Delete this film"):
        assert action not in page, action

    removed = trainee.post(f"/moments/{ids['moment']}/delete")  # from a page opened earlier
    assert removed.status_code == 302
    assert removed.headers["Location"] == f"/films/{ids['film']}"
    after = trainee.get(removed.headers["Location"]).get_data(as_text=True)
    assert '<p class="flash flash-error">Locked: this counted for stage 1' in after
    added = trainee.post(
        f"/films/{ids['film']}/moments",
        data={"start": "0:10", "end": "0:20", "principle": ids["principle"]},
    )
    assert added.status_code == 422
    assert '<p class="error">Locked: this counted for stage 1' in added.get_data(as_text=True)
    with committed(app):
        assert db.session.get(Film, ids["film"]).moments[0].id == ids["moment"]


def test_ids_on_the_film_page_are_unique(app, people, tmp_path):
    app.config["CLIP_STORAGE_DIR"] = str(tmp_path)
    app.extensions["clip_storage"] = storage = folder_clips(tmp_path)
    with committed(app):
        film = db.session.scalars(select(Film).order_by(Film.id)).first()
        clips.attach_clip(
            film.cycle.case.enrolment.trainee,
            film,
            io.BytesIO(mp4_bytes(5000)),
            storage,
            100_000,
            ("video/mp4",),
        )
    page = client_as(app, people["trainee"]).get(f"/films/{film.id}").get_data(as_text=True)
    assert "<video" in page and 'type="file"' in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_impossible_choices_in_sign_off_forms_are_refused_beside_the_field(app, people):
    big = "99999999999999999999"  # beyond any id; PostgreSQL cannot even compare it
    with committed(app):
        enrolment = db.session.get(Enrolment, people["enrolment"])
        meeting = signoff.request_meeting(
            enrolment.trainee, enrolment, progress_for(enrolment, TODAY)
        )
    coordinator = client_as(app, people["coordinator"])
    named = coordinator.post(f"/meetings/{meeting.id}/assessor", data={"assessor": big})
    assert named.status_code == 422
    assert "Not a valid choice" in named.get_data(as_text=True)
    with committed(app):
        by_email = {u.email: u for u in db.session.scalars(select(User))}
        signoff.name_assessor(
            by_email[people["coordinator"]], meeting.id, by_email[people["assessor"]], TODAY
        )
    assessor = client_as(app, people["assessor"])
    outcome = {"held_on": "2026-11-20", "minutes": "60", "outcome": "passed", "clips": big}
    recorded = assessor.post(f"/meetings/{meeting.id}/outcome", data=outcome)
    assert recorded.status_code == 422
    assert "is not a valid choice for this field" in recorded.get_data(as_text=True)
