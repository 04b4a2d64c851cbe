"""Refusals and notifications carry their values apart from their wording, so each reader reads
them in their own language: a refusal in the language of the person refused, a notification in
the language of its recipient when they read it (not the sender's, not the one they had when it
was made), on the page and in the e-mail."""

from datetime import timedelta

from babel.dates import format_date
from sqlalchemy import select

from app.extensions import db
from app.mail.notifications import deliver_immediate
from app.models import Notification, User
from app.services import notifications
from tests.builders.web import client_as, committed
from tests.live import race_world


def _speaks_dutch(email: str) -> None:
    db.session.scalar(select(User).where(User.email == email)).locale = "nl"


def test_a_refusal_with_values_reads_in_the_refused_persons_language(app, schemes):
    """A session decided already: the state inside the refusal is translated too."""
    with committed(app):
        crew = race_world.crew()
        session_id = race_world.logged_session(crew)
        _speaks_dutch(crew.supervisor)
    supervisor = client_as(app, crew.supervisor)
    decide = f"/sessions/{session_id}/decide"
    assert supervisor.post(decide, data={"confirm": "Confirm the session"}).status_code == 302
    again = supervisor.post(
        decide,
        data={"send_back": "Return to the trainee", "reason": "Wrong date"},
        follow_redirects=True,
    )
    text = again.get_data(as_text=True)
    assert "Deze sessie is al bevestigd." in text
    assert "already" not in text and "confirmed." not in text


def test_a_notification_reads_in_its_recipients_language_when_they_read_it(app, schemes, mailbox):
    """The trainee (English) logs a session; the supervisor switched to Dutch after it was
    made: their list and their e-mail are Dutch, with the day in Dutch."""
    with committed(app):
        crew = race_world.crew()
        race_world.logged_session(crew)
        _speaks_dutch(crew.supervisor)
        held_on = race_world.today() - timedelta(days=2)
    dutch_day = format_date(held_on, "medium", locale="nl")
    page = client_as(app, crew.supervisor).get("/notifications").get_data(as_text=True)
    assert f"heeft een sessie van {dutch_day} vastgelegd die jij moet bevestigen." in page
    assert "for you to confirm" not in page
    with app.app_context():
        deliver_immediate()
    [mail] = mailbox.to(crew.supervisor)
    assert mail["Subject"].startswith("Attune: ") and "vastgelegd" in mail["Subject"]
    assert f"een sessie van {dutch_day} vastgelegd" in mailbox.body(mail)
    with app.app_context():
        stored = db.session.scalars(select(Notification)).all()
        assert stored[-1].message.endswith("for you to confirm.")  # the English text is kept


def test_a_notification_from_before_phrases_shows_the_text_it_was_written_in(app, schemes):
    with committed(app):
        crew = race_world.crew()
        supervisor = db.session.scalar(select(User).where(User.email == crew.supervisor))
        [made] = notifications.notify([supervisor], "session_to_confirm", "Old words", "home.index")
        made.phrase = None
        supervisor.locale = "nl"
    page = client_as(app, crew.supervisor).get("/notifications").get_data(as_text=True)
    assert "Old words" in page


def test_scheme_wording_inside_a_phrase_reads_in_the_readers_language(app, schemes):
    """A stage's name carried in a phrase (a refusal listing requirements, a stored
    notification) is the reader's, also after the phrase was kept as JSON."""
    from app.i18n import in_locale
    from app.models import Scheme, Stage
    from app.phrase import Phrase
    from app.web.phrases import phrase_text

    with app.test_request_context():
        first = db.session.scalar(
            select(Stage.title)
            .join(Scheme)
            .where(Scheme.code == "nl-vig-practitioner", Stage.number == 1)
        )
        phrase = Phrase("Not yet: %(missing)s.", missing=(first, "Ana's own words"))
        kept = Phrase.from_json(phrase.to_json())
        assert phrase.english() == "Not yet: First half and Ana's own words."
        with in_locale("nl"):
            assert phrase_text(phrase) == "Nog niet: Eerste helft en Ana's own words."
            assert phrase_text(kept) == "Nog niet: Eerste helft en Ana's own words."
