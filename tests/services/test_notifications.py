"""Notifications: who gets them, e-mail straight away or in one daily digest, and the commands."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app import create_app
from app.errors import RuleViolation
from app.extensions import db
from app.mail.notifications import deliver_immediate, send_daily_digests
from app.models import DigestSent, Notification, NotifyBy, Role, User
from app.phrase import Phrase
from app.services import notifications
from tests.builders.people import make_user
from tests.builders.web import committed

DAY = date(2026, 11, 24)
LINK = notifications.link_to("enrolments.show", enrolment_id=5)


def _person(email: str, notify_by: NotifyBy = NotifyBy.IMMEDIATE, active: bool = True) -> User:
    user = make_user(Role.TRAINEE, email=email, active=active)
    user.notify_by = notify_by
    db.session.flush()
    return user


def _rows(app, user_id: int) -> list[Notification]:
    with app.app_context():
        query = select(Notification).where(Notification.user_id == user_id)
        return list(db.session.scalars(query.order_by(Notification.id)))


def _digests_sent(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(DigestSent)) or 0


def test_links_encode_and_decode_where_the_person_acts():
    assert LINK == "enrolments.show?enrolment_id=5"
    assert notifications.resolve_link(LINK) == ("enrolments.show", {"enrolment_id": 5})
    assert notifications.resolve_link("account.profile") == ("account.profile", {})
    link = notifications.link_to("auth.accept_invite", token="007 a&b")
    assert notifications.resolve_link(link) == ("auth.accept_invite", {"token": "007 a&b"})
    with pytest.raises(ValueError, match="at most 300"):
        notifications.link_to("x", token="y" * 300)
    with pytest.raises(ValueError, match="underscore"):
        notifications.link_to("enrolments.show", enrolment_id=5, _external=1)


def test_notify_creates_one_row_per_distinct_active_recipient(ctx):
    ann, bob = _person("ann@example.org"), _person("bob@example.org")
    gone = _person("gone@example.org", active=False)
    made = notifications.notify([ann, bob, ann, gone], "meeting_requested", "A meeting", LINK)
    assert sorted(n.user_id for n in made) == sorted([ann.id, bob.id])
    assert {(n.kind, n.message, n.link, n.read_at, n.emailed_at) for n in made} == {
        ("meeting_requested", "A meeting", LINK, None, None)
    }
    assert notifications.notify([gone], "ratified", "Done", LINK) == []


def test_long_messages_become_one_line_of_at_most_300_characters(ctx):
    ann = _person("ann@example.org")
    [short] = notifications.notify([ann], "sent_back", "Sent back:\n  please\r\nlook", LINK)
    assert short.message == "Sent back: please look"
    [long] = notifications.notify([ann], "sent_back", "é" * 400, LINK)
    assert len(long.message) == 300
    assert long.message.endswith("…")
    with pytest.raises(ValueError, match="message"):
        notifications.notify([ann], "sent_back", " \n ", LINK)


def test_reading_is_for_the_owner_and_counts_go_down(ctx):
    ann, bob = _person("ann@example.org"), _person("bob@example.org")
    first, second = (notifications.notify([ann], "ratified", m, LINK)[0] for m in ("1", "2"))
    notifications.notify([bob], "ratified", "3", LINK)
    assert notifications.unread_count(ann) == 2
    with pytest.raises(RuleViolation, match="not yours"):
        notifications.mark_read(bob, first)
    notifications.mark_read(ann, first)
    assert notifications.unread_count(ann) == 1
    assert list(db.session.scalars(notifications.unread_for(ann))) == [second]
    assert notifications.mark_all_read(ann) == 1
    assert (notifications.unread_count(ann), notifications.unread_count(bob)) == (0, 1)


def test_immediate_email_per_notification_with_an_absolute_link(app, mailbox):
    with committed(app):
        ann, bob = _person("ann@example.org"), _person("bob@example.org")
        notifications.notify([ann, bob], "assessor_named", "Ada will assess stage 1", LINK)
        notifications.notify([ann], "ratified", "Stage 1 is ratified", LINK)
    with app.app_context():
        assert deliver_immediate() == 3
    subjects = sorted(m["Subject"] for m in mailbox.to("ann@example.org"))
    assert subjects == ["Attune: Ada will assess stage 1", "Attune: Stage 1 is ratified"]
    [to_bob] = mailbox.to("bob@example.org")
    assert "http://attune.test/enrolments/5" in mailbox.body(to_bob)
    assert all(n.emailed_at is not None for n in _rows(app, ann.id) + _rows(app, bob.id))
    with app.app_context():
        assert deliver_immediate() == 0
    assert len(mailbox.messages) == 3


def test_a_link_to_a_page_that_no_longer_exists_leads_to_the_list(app, mailbox):
    with committed(app):
        ann = _person("ann@example.org")
        notifications.notify([ann], "ratified", "Old news", "removed.endpoint?x=1")
    with app.app_context():
        assert deliver_immediate() == 1
    [message] = mailbox.to("ann@example.org")
    assert "http://attune.test/notifications\n" in mailbox.body(message).replace("\r\n", "\n")


def test_nothing_is_marked_emailed_while_the_mail_server_is_down(app, app_settings, mailbox):
    with committed(app):
        ann = _person("ann@example.org")
        notifications.notify([ann], "outcome_recorded", "An outcome", LINK)
    down = create_app("test", {**app_settings, "MAIL_PORT": 1})
    with down.app_context():
        assert deliver_immediate() == 0
        db.engine.dispose()
    assert [n.emailed_at for n in _rows(app, ann.id)] == [None]
    with app.app_context():
        assert deliver_immediate() == 1
    assert len(mailbox.to("ann@example.org")) == 1


def test_read_or_inactive_people_notifications_are_not_emailed(app, mailbox):
    with committed(app):
        ann, bob = _person("ann@example.org"), _person("bob@example.org")
        [seen] = notifications.notify([ann], "ratified", "Seen already", LINK)
        notifications.mark_read(ann, seen)
        notifications.notify([bob], "ratified", "Bob left", LINK)
        bob.active = False
    with app.app_context():
        assert deliver_immediate() == 0
    assert mailbox.messages == []


def test_digest_people_get_one_digest_with_everything_and_no_immediate_email(app, mailbox):
    with committed(app):
        dee = _person("dee@example.org", NotifyBy.DIGEST)
        ann = _person("ann@example.org")
        notifications.notify([dee, ann], "meeting_requested", "Tess asks for a meeting", LINK)
        link = notifications.link_to("supervision.show", session_id=9)
        notifications.notify([dee], "session_to_confirm", "A session to confirm", link)
    with app.app_context():
        assert deliver_immediate() == 1
        assert mailbox.to("dee@example.org") == []
        sent = send_daily_digests(
            DAY, overdue={dee.id: [Phrase("dee@example.org: stage 1 is late")]}
        )
    assert sent == 1
    [digest] = mailbox.to("dee@example.org")
    body = mailbox.body(digest).replace("\r\n", "\n")
    assert digest["Subject"] == "Attune: your daily summary"
    for text in (
        "Tess asks for a meeting\n  http://attune.test/enrolments/5",
        "A session to confirm\n  http://attune.test/sessions/9",
        "dee@example.org: stage 1 is late",
    ):
        assert text in body
    assert all(n.emailed_at is not None for n in _rows(app, dee.id))
    assert len(mailbox.to("ann@example.org")) == 1


def test_digest_goes_once_a_day_and_only_with_something_new(app, mailbox):
    with committed(app):
        dee = _person("dee@example.org", NotifyBy.DIGEST)
        notifications.notify([dee], "stage_reopened", "Stage 2 is open again", LINK)
    with app.app_context():
        assert send_daily_digests(DAY) == 1
        assert send_daily_digests(DAY) == 0
        assert send_daily_digests(date(2026, 11, 25)) == 0
    with committed(app):
        notifications.notify([db.session.get(User, dee.id)], "ratified", "Stage 2 passed", LINK)
    with app.app_context():
        assert send_daily_digests(DAY) == 0
        assert send_daily_digests(date(2026, 11, 25)) == 1
    first, second = (mailbox.body(m) for m in mailbox.to("dee@example.org"))
    assert "Stage 2 is open again" in first
    assert "Stage 2 passed" in second
    assert "Stage 2 is open again" not in second
    assert _digests_sent(app) == 2


def test_digest_refused_by_the_mail_server_is_sent_on_the_next_run(app, app_settings, mailbox):
    with committed(app):
        dee = _person("dee@example.org", NotifyBy.DIGEST)
        notifications.notify([dee], "ratified", "Stage 1 is ratified", LINK)
    down = create_app("test", {**app_settings, "MAIL_PORT": 1})
    with down.app_context():
        assert send_daily_digests(DAY) == 0
        db.engine.dispose()
    assert _digests_sent(app) == 0
    assert [n.emailed_at for n in _rows(app, dee.id)] == [None]
    with app.app_context():
        assert send_daily_digests(DAY) == 1
    assert len(mailbox.to("dee@example.org")) == 1


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def test_commands_send_and_exit_zero(app, run, mailbox):
    with committed(app):
        ann = _person("ann@example.org")
        dee = _person("dee@example.org", NotifyBy.DIGEST)
        notifications.notify([ann, dee], "assessor_named", "Ada will assess", LINK)
    result = run("notifications", "deliver")
    assert (result.exit_code, result.output) == (0, "Sent 1 notification e-mail(s).\n")
    result = run("notifications", "send-digest", "--day", "2026-11-24")
    assert (result.exit_code, result.output) == (0, "Sent 1 digest(s) for 2026-11-24.\n")
    result = run("notifications", "send-digest", "--day", "2026-11-24")
    assert (result.exit_code, result.output) == (0, "Sent 0 digest(s) for 2026-11-24.\n")
    assert run("notifications", "send-digest").exit_code == 0
    assert len(mailbox.messages) == 2


def test_commands_exit_non_zero_when_mail_is_refused_or_the_day_unreadable(app, app_settings):
    with committed(app):
        ann = _person("ann@example.org")
        dee = _person("dee@example.org", NotifyBy.DIGEST)
        notifications.notify([ann, dee], "assessor_named", "Ada will assess", LINK)
    down = create_app("test", {**app_settings, "MAIL_PORT": 1}).test_cli_runner()
    result = down.invoke(args=["notifications", "deliver"])
    assert result.exit_code == 1
    assert "1 could not be sent" in result.output
    result = down.invoke(args=["notifications", "send-digest", "--day", "2026-11-24"])
    assert result.exit_code == 1
    assert "1 digest(s) could not be sent" in result.output
    bad = down.invoke(args=["notifications", "send-digest", "--day", "24/11/2026"])
    assert bad.exit_code == 2
    with down.app.app_context():
        db.engine.dispose()


def test_a_second_sender_skips_what_the_first_is_sending(committing_app, mailbox):
    with committed(committing_app):
        ann = _person("ann@example.org")
        notifications.notify([ann], "ratified", "Stage 1 is ratified", LINK)
    with committing_app.app_context():
        assert len(notifications.pending_immediate()) == 1
        with committing_app.app_context():  # another session, as in a concurrent request
            assert deliver_immediate() == 0
        db.session.rollback()
    with committing_app.app_context():
        assert deliver_immediate() == 1
    assert len(mailbox.to("ann@example.org")) == 1
