"""Deleting mistaken entries: only what nothing rests on, each deletion audited."""

import io
from datetime import date

import pytest
from sqlalchemy import delete, func, select

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, Case, Cycle, Film, Moment, Reflection, SupervisionSession
from app.models.supervision import session_films, session_moments
from app.services.evidence import clips, films, reflections, removals
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from app.services.supervision import sessions
from app.services.supervision.sessions import SessionDetails
from tests.builders.clips import folder_clips
from tests.builders.evidence import TODAY, build_world, mp4_bytes


@pytest.fixture
def world(ctx):
    load_definitions(None, default_schemes_dir())
    built = build_world()
    return built, db.session.get(Film, built.film_id)


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def _session(enrolment, **links):
    return sessions.save_session(
        enrolment.trainee,
        enrolment,
        SessionDetails(
            enrolment.current_assignment.supervisor,
            date(2026, 3, 1),
            60,
            False,
            False,
            False,
            "",
            "",
            "",
            **links,
        ),
        TODAY,
    )


def test_deletions_go_children_first_and_are_audited(world, tmp_path):
    _built, film = world
    trainee = film.cycle.case.enrolment.trainee
    storage = folder_clips(tmp_path)
    clips.attach_clip(trainee, film, io.BytesIO(mp4_bytes(2000)), storage, 10_000, ("video/mp4",))
    films.add_moment(
        trainee, film, 0, 1000, film.cycle.case.enrolment.scheme.framework.principles[0], None, ""
    )
    cycle, case = film.cycle, film.cycle.case
    with pytest.raises(RuleViolation, match="films first"):
        removals.delete_cycle(trainee, cycle)
    with pytest.raises(RuleViolation, match="cycles first"):
        removals.delete_case(trainee, case)
    removals.delete_film(trainee, film, storage)
    assert _count(Moment) == 0 and list(tmp_path.iterdir()) == []
    db.session.expire(cycle)
    removals.delete_cycle(trainee, cycle)
    removals.delete_case(trainee, case)
    assert _count(Case) == 0
    assert _actions()[-3:] == ["film.deleted", "cycle.deleted", "case.deleted"]


def test_what_a_confirmed_session_reviewed_stays(world, tmp_path):
    _built, film = world
    enrolment = film.cycle.case.enrolment
    session = _session(enrolment, films=(film,), cycles=(film.cycle,))
    sessions.confirm_session(enrolment.current_assignment.supervisor, session)
    with pytest.raises(RuleViolation, match="confirmed supervision session"):
        removals.delete_film(enrolment.trainee, film, folder_clips(tmp_path))
    with pytest.raises(RuleViolation, match="confirmed session cannot be deleted"):
        sessions.delete_session(enrolment.trainee, session)
    assert _count(Film) >= 1 and _count(SupervisionSession) == 1


def test_a_moment_a_confirmed_session_reviewed_keeps_its_film(world, tmp_path):
    _built, film = world
    enrolment = film.cycle.case.enrolment
    principle = enrolment.scheme.framework.principles[0]
    moment = films.add_moment(enrolment.trainee, film, 0, 1000, principle, None, "")
    session = _session(enrolment, moments=(moment,))
    sessions.confirm_session(enrolment.current_assignment.supervisor, session)
    with pytest.raises(RuleViolation, match="confirmed supervision session"):
        removals.delete_film(enrolment.trainee, film, folder_clips(tmp_path))
    assert _count(Moment) == 1


def test_a_film_an_unconfirmed_session_links_goes_with_its_link(world, tmp_path):
    _built, film = world
    enrolment = film.cycle.case.enrolment
    principle = enrolment.scheme.framework.principles[0]
    moment = films.add_moment(enrolment.trainee, film, 0, 1000, principle, None, "")
    session = _session(enrolment, films=(film,), moments=(moment,))
    removals.delete_film(enrolment.trainee, film, folder_clips(tmp_path))
    db.session.expire(session)
    assert session.films == [] and session.moments == []
    assert _count(session_films) == 0 and _count(session_moments) == 0


def test_unconfirmed_session_and_own_reflection_can_be_deleted(world):
    _built, film = world
    enrolment = film.cycle.case.enrolment
    session = _session(enrolment, cycles=(film.cycle,))
    note = reflections.write_reflection(
        enrolment.trainee, enrolment, TODAY, "", "x", True, TODAY, session
    )
    sessions.delete_session(enrolment.trainee, session)
    assert _count(SupervisionSession) == 0
    db.session.expire(note)
    assert note.session_id is None
    with pytest.raises(RuleViolation):
        removals.delete_reflection(enrolment.current_assignment.supervisor, note)
    removals.delete_reflection(enrolment.trainee, note)
    assert _count(Reflection) == 0
    assert _count(Cycle) >= 1
    assert _actions()[-2:] == ["session.deleted", "reflection.deleted"]


def test_a_clip_for_a_film_deleted_meanwhile_is_refused_and_not_kept(world, tmp_path):
    _built, film = world
    trainee = film.cycle.case.enrolment.trainee
    storage = folder_clips(tmp_path)
    # Another request deleted the film after this one loaded it.
    db.session.execute(delete(Film).where(Film.id == film.id))
    with pytest.raises(RuleViolation, match="deleted meanwhile"):
        clips.attach_clip(
            trainee, film, io.BytesIO(mp4_bytes(2000)), storage, 10_000, ("video/mp4",)
        )
    assert list(storage.store.keys()) == []
