"""Film retention: which clips are due and by which rule, deleting them on record, and the
trainee's confirmation that the footage kept elsewhere is gone."""

import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.documents.portfolio import portfolio_html
from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, ConsentScope, Film, FilmKind, Notification
from app.services import notifications
from app.services.evidence import cases, clips, films
from app.services.portfolio.gather import digest_of, gather
from app.services.privacy import retention
from app.services.wording import day_text
from app.storage import ClipStorage
from tests.builders.clips import failing_deletes, folder_clips
from tests.builders.evidence import TODAY, build_world, mp4_bytes

TYPES = ("video/mp4",)


@pytest.fixture
def storage(tmp_path: Path) -> ClipStorage:
    return folder_clips(tmp_path / "clips")


@pytest.fixture
def world(ctx, schemes):
    return build_world()


def _film(world) -> Film:
    return db.session.get(Film, world.film_id)


def _attach(film: Film, storage: ClipStorage) -> str:
    trainee = film.cycle.case.enrolment.trainee
    clips.attach_clip(trainee, film, io.BytesIO(mp4_bytes(2_000)), storage, 10_000, TYPES)
    assert film.clip_key is not None
    return film.clip_key


def _second_film(world, storage: ClipStorage) -> Film:
    first = _film(world)
    trainee = first.cycle.case.enrolment.trainee
    film = films.save_film(
        trainee,
        first.cycle,
        FilmKind.SHARED_REVIEW,
        date(2026, 2, 14),
        300,
        "laptop",
        first.consent,
        TODAY,
    )
    _attach(film, storage)
    return film


def _audit(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def test_a_clip_is_due_once_its_consents_deletion_date_has_come(world, storage):
    film = _film(world)
    _attach(film, storage)
    film.consent.deletion_due_on = date(2026, 11, 24)
    assert retention.films_due(date(2026, 11, 23)) == []
    [due] = retention.films_due(TODAY)
    assert (due.film.id, due.rule, due.due_since) == (film.id, "retention_date", TODAY)


def test_without_a_date_the_cases_end_plus_the_schemes_months_applies(world, storage):
    film = _film(world)
    _attach(film, storage)
    film.cycle.case.ended_on = date(2026, 9, 20)  # the scheme keeps films for 2 months
    assert retention.films_due(date(2026, 11, 19)) == []
    [due] = retention.films_due(date(2026, 11, 20))
    assert (due.rule, due.due_since) == ("retention_date", date(2026, 11, 20))


def test_withdrawn_consent_makes_deletion_due_at_once_whatever_scopes_remain(world, storage):
    film = _film(world)
    _attach(film, storage)
    trainee = film.cycle.case.enrolment.trainee
    cases.withdraw_consent(trainee, film.consent, date(2026, 11, 20), {ConsentScope.FILMING}, TODAY)
    [due] = retention.films_due(TODAY)
    assert (due.rule, due.due_since) == ("consent_withdrawn", date(2026, 11, 20))


def test_an_earlier_deletion_date_stays_the_reason_after_a_withdrawal(world, storage):
    film = _film(world)
    _attach(film, storage)
    film.consent.deletion_due_on = date(2026, 10, 1)
    trainee = film.cycle.case.enrolment.trainee
    cases.withdraw_consent(trainee, film.consent, date(2026, 11, 20), set(), TODAY)
    [due] = retention.films_due(TODAY)
    assert (due.rule, due.due_since) == ("retention_date", date(2026, 10, 1))


def test_films_without_a_stored_clip_are_not_due(world, storage):
    film = _film(world)
    film.consent.deletion_due_on = date(2026, 11, 1)
    assert retention.films_due(TODAY) == []  # never had a clip
    _attach(film, storage)
    clips.remove_clip(film.cycle.case.enrolment.trainee, film, storage)
    assert retention.films_due(TODAY) == []  # deleted by hand already


def test_deleting_removes_the_file_and_records_the_rule(world, storage):
    film = _film(world)
    key = _attach(film, storage)
    film.consent.deletion_due_on = date(2026, 11, 1)
    run = retention.delete_due(TODAY, storage)
    assert [d.film.id for d in run.deleted] == [film.id] and run.failed == []
    assert not storage.store.exists(key)
    assert film.clip_deleted_at is not None and not film.has_clip
    [event] = _audit("clip.deleted")
    assert event.actor_id is None  # the system
    assert (event.subject_type, event.subject_id) == ("film", film.id)
    assert event.after == {
        "rule": "retention_date",
        "due_since": "2026-11-01",
        "case_code": film.cycle.case.code,
    }


def test_the_trainee_is_asked_to_delete_the_footage_kept_elsewhere(world, storage):
    film = _film(world)
    _attach(film, storage)
    film.consent.deletion_due_on = date(2026, 11, 1)
    retention.delete_due(TODAY, storage)
    [notice] = db.session.scalars(
        select(Notification).where(Notification.kind == "footage_to_delete")
    )
    assert notice.user_id == film.cycle.case.enrolment.trainee_id
    assert "employer's secure drive" in notice.message
    assert film.cycle.case.code in notice.message
    # The film's day as people read it, not ISO.
    assert f"your film of {day_text(film.recorded_on)} (case" in notice.message
    assert film.recorded_on.isoformat() not in notice.message
    assert notice.link == f"films.show?film_id={film.id}"


def test_running_again_deletes_nothing(world, storage):
    film = _film(world)
    _attach(film, storage)
    film.consent.deletion_due_on = date(2026, 11, 1)
    assert len(retention.delete_due(TODAY, storage).deleted) == 1
    again = retention.delete_due(TODAY, storage)
    assert again.deleted == [] and again.failed == []
    assert len(_audit("clip.deleted")) == 1
    assert db.session.scalar(select(db.func.count()).select_from(Notification)) == 1


def test_a_storage_failure_leaves_that_clip_unrecorded_and_the_others_deleted(world, storage):
    first = _film(world)
    broken_key = _attach(first, storage)
    second = _second_film(world, storage)
    second_key = second.clip_key
    first.consent.deletion_due_on = date(2026, 11, 1)
    run = retention.delete_due(TODAY, failing_deletes(storage, {broken_key}, "disk says no"))
    assert [d.film.id for d in run.deleted] == [second.id]
    [(failed, error)] = run.failed
    assert failed.film.id == first.id and "disk says no" in error
    assert storage.store.exists(broken_key) and not storage.store.exists(second_key)
    assert first.clip_deleted_at is None and first.has_clip
    assert [e.subject_id for e in _audit("clip.deleted")] == [second.id]
    notices = db.session.scalars(select(Notification.link)).all()
    assert notices == [f"films.show?film_id={second.id}"]
    retry = retention.delete_due(TODAY, storage)
    assert [d.film.id for d in retry.deleted] == [first.id]


def test_the_trainee_confirms_the_footage_is_deleted_on_record(world, storage):
    film = _film(world)
    _attach(film, storage)
    film.consent.deletion_due_on = date(2026, 11, 1)
    retention.delete_due(TODAY, storage)
    assert [d.film.id for d in retention.awaiting_confirmation(TODAY)] == [film.id]
    trainee = film.cycle.case.enrolment.trainee
    assert notifications.unread_count(trainee) == 1
    retention.confirm_footage_deleted(trainee, film, TODAY)
    assert film.footage_deleted_confirmed_at is not None
    assert retention.awaiting_confirmation(TODAY) == []
    # The request to delete the footage no longer waits for the trainee.
    assert notifications.unread_count(trainee) == 0
    [event] = _audit("footage.deletion_confirmed")
    assert event.actor_id == trainee.id
    assert event.after["kept_at"] == "employer's secure drive"
    with pytest.raises(RuleViolation, match="already confirmed"):
        retention.confirm_footage_deleted(trainee, film, TODAY)


def test_only_the_trainee_confirms_and_only_once_deletion_is_due(world, storage):
    film = _film(world)
    trainee = film.cycle.case.enrolment.trainee
    supervisor = film.cycle.case.enrolment.current_assignment.supervisor
    with pytest.raises(RuleViolation, match="not due"):
        retention.confirm_footage_deleted(trainee, film, TODAY)
    film.consent.deletion_due_on = date(2026, 11, 1)
    with pytest.raises(RuleViolation, match="Only the trainee"):
        retention.confirm_footage_deleted(supervisor, film, TODAY)
    assert _audit("footage.deletion_confirmed") == []


def test_a_trainee_who_already_confirmed_is_not_asked_again(world, storage):
    film = _film(world)
    _attach(film, storage)
    film.consent.deletion_due_on = date(2026, 11, 1)
    retention.confirm_footage_deleted(film.cycle.case.enrolment.trainee, film, TODAY)
    assert len(retention.delete_due(TODAY, storage).deleted) == 1
    assert db.session.scalar(select(db.func.count()).select_from(Notification)) == 0


def test_the_portfolio_still_lists_a_film_whose_clip_was_deleted(world, storage):
    film = _film(world)
    _attach(film, storage)
    film.consent.deletion_due_on = date(2026, 11, 1)
    retention.delete_due(TODAY, storage)
    data = gather(film.cycle.case.enrolment, TODAY)
    [entry] = data.cases[0].cycles[0].films
    assert (entry.recorded_on, entry.clip) == (date(2026, 2, 10), "deleted")
    assert entry.clip_deleted_on == film.clip_deleted_at.date()
    html = portfolio_html(data, digest_of(data), film.clip_deleted_at)
    assert "clip deleted" in html
