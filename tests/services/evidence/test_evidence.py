"""Cases, consent, cycles, films and moments: the rules and their audit entries."""

from datetime import date

import pytest
from sqlalchemy import select

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, CaseSetting, ConsentScope, FilmKind, Principle
from app.services.evidence import cases, films
from app.services.evidence.identifying_text import identifying_text
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from tests.builders.people import enrolled_trainee

TODAY = date(2026, 11, 24)
ALL_SCOPES = {ConsentScope.FILMING, ConsentScope.OWN_SUPERVISOR, ConsentScope.ASSESSOR}


@pytest.fixture
def enrolment(ctx):
    load_definitions(None, default_schemes_dir())
    return enrolled_trainee()


@pytest.fixture
def case(enrolment):
    return cases.create_case(
        enrolment.trainee,
        enrolment,
        CaseSetting.FAMILY,
        "",
        "How can I?",
        "",
        date(2026, 2, 1),
        None,
        TODAY,
    )


@pytest.fixture
def consent(case):
    return cases.add_consent(
        case.enrolment.trainee, case, "parent", date(2026, 2, 1), ALL_SCOPES, None, TODAY
    )


@pytest.fixture
def cycle(case):
    return films.save_cycle(
        case.enrolment.trainee, case, date(2026, 2, 10), True, date(2026, 2, 14), False, "", TODAY
    )


@pytest.fixture
def film(cycle, consent):
    return films.save_film(
        cycle.case.enrolment.trainee,
        cycle,
        FilmKind.INTERACTION,
        date(2026, 2, 10),
        600,
        "employer's secure drive",
        consent,
        TODAY,
    )


def _actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_case_gets_a_pseudonymous_code_and_is_audited(enrolment):
    first = cases.create_case(
        enrolment.trainee,
        enrolment,
        CaseSetting.SCHOOL,
        "Y2 class",
        "How can I help?",
        "",
        date(2026, 2, 1),
        None,
        TODAY,
    )
    second = cases.create_case(
        enrolment.trainee, enrolment, CaseSetting.SCHOOL, "", "", "", date(2026, 2, 1), None, TODAY
    )
    assert first.code != second.code
    assert first.code.startswith("C-") and len(first.code) == 6
    assert first.title == f"{first.code} · Y2 class"
    assert _actions().count("case.created") == 2


@pytest.mark.parametrize(
    ("started", "ended", "label", "field"),
    [
        (date(2026, 12, 1), None, "", "started_on"),
        (date(2026, 2, 1), date(2026, 1, 1), "", "ended_on"),
        (date(2026, 2, 1), date(2027, 1, 1), "", "ended_on"),
        (date(2026, 2, 1), None, "x" * 41, "label"),
    ],
)
def test_bad_cases_are_refused(enrolment, started, ended, label, field):
    with pytest.raises(RuleViolation) as raised:
        cases.create_case(
            enrolment.trainee, enrolment, CaseSetting.OTHER, label, "", "", started, ended, TODAY
        )
    assert raised.value.field == field


def test_default_deletion_date_is_case_end_plus_scheme_months(case):
    assert cases.default_deletion_date(case, 2) is None
    case.ended_on = date(2026, 10, 31)
    assert cases.default_deletion_date(case, 2) == date(2026, 12, 31)


def test_consent_must_cover_filming_and_name_a_role(case):
    with pytest.raises(RuleViolation) as raised:
        cases.add_consent(
            case.enrolment.trainee,
            case,
            "parent",
            date(2026, 2, 1),
            {ConsentScope.OWN_SUPERVISOR},
            None,
            TODAY,
        )
    assert raised.value.field == "scopes"
    with pytest.raises(RuleViolation) as raised:
        cases.add_consent(
            case.enrolment.trainee, case, " ", date(2026, 2, 1), ALL_SCOPES, None, TODAY
        )
    assert raised.value.field == "given_by_role"


def test_withdrawal_keeps_chosen_scopes_and_makes_deletion_due_at_once(consent):
    consent.deletion_due_on = date(2027, 1, 1)
    cases.withdraw_consent(
        consent.case.enrolment.trainee, consent, date(2026, 6, 1), {ConsentScope.FILMING}, TODAY
    )
    assert consent.withdrawn_on == date(2026, 6, 1)
    assert consent.scopes == ["filming"]
    assert not consent.allows(ConsentScope.OWN_SUPERVISOR)
    assert consent.deletion_due_on == date(2026, 6, 1)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "consent.withdrawn")
    ).one()
    assert event.before["scopes"] == ["assessor", "filming", "own_supervisor"]
    assert event.after["scopes"] == ["filming"]
    with pytest.raises(RuleViolation, match="already been withdrawn"):
        cases.withdraw_consent(
            consent.case.enrolment.trainee, consent, date(2026, 6, 2), set(), TODAY
        )


@pytest.mark.parametrize(
    ("filmed", "review", "field"),
    [
        (date(2026, 12, 1), None, "filmed_on"),
        (date(2026, 1, 20), None, "filmed_on"),
        (date(2026, 3, 1), date(2026, 2, 28), "shared_review_on"),
        (date(2026, 3, 1), date(2026, 12, 1), "shared_review_on"),
    ],
)
def test_bad_cycle_dates_are_refused_and_nothing_is_saved(case, filmed, review, field):
    with pytest.raises(RuleViolation) as raised:
        films.save_cycle(case.enrolment.trainee, case, filmed, True, review, False, "", TODAY)
    assert raised.value.field == field
    assert "cycle.created" not in _actions()


def test_cycle_counts_only_when_micro_analysed_and_reviewed(case):
    cycle = films.save_cycle(
        case.enrolment.trainee, case, date(2026, 3, 1), False, None, False, "", TODAY
    )
    assert not cycle.complete
    films.save_cycle(
        case.enrolment.trainee,
        case,
        date(2026, 3, 1),
        True,
        date(2026, 3, 5),
        True,
        "done",
        TODAY,
        cycle=cycle,
    )
    assert cycle.complete
    assert _actions()[-2:] == ["cycle.created", "cycle.updated"]


@pytest.mark.parametrize(
    ("recorded", "length", "kept_at", "field"),
    [
        (date(2026, 12, 1), 600, "drive", "recorded_on"),
        (date(2026, 2, 10), 0, "drive", "length"),
        (date(2026, 2, 10), 5 * 3600, "drive", "length"),
        (date(2026, 2, 10), 600, " ", "kept_at"),
        (date(2026, 1, 10), 600, "drive", "recorded_on"),
    ],
)
def test_bad_films_are_refused(cycle, consent, recorded, length, kept_at, field):
    with pytest.raises(RuleViolation) as raised:
        films.save_film(
            cycle.case.enrolment.trainee,
            cycle,
            FilmKind.INTERACTION,
            recorded,
            length,
            kept_at,
            consent,
            TODAY,
        )
    assert raised.value.field == field


def test_film_needs_a_consent_that_covers_filming_on_its_date(cycle, consent):
    cases.withdraw_consent(cycle.case.enrolment.trainee, consent, date(2026, 2, 5), set(), TODAY)
    with pytest.raises(RuleViolation) as raised:
        films.save_film(
            cycle.case.enrolment.trainee,
            cycle,
            FilmKind.INTERACTION,
            date(2026, 2, 10),
            600,
            "drive",
            consent,
            TODAY,
        )
    assert raised.value.field == "consent"


def _principle(film, code="guiding"):
    return db.session.scalars(
        select(Principle).where(
            Principle.framework_id == film.cycle.case.enrolment.scheme.framework_id,
            Principle.code == code,
        )
    ).one()


def test_moments_are_kept_in_time_order_with_author(film):
    guiding = _principle(film)
    trainee = film.cycle.case.enrolment.trainee
    films.add_moment(trainee, film, 30_000, 40_000, guiding, guiding.elements[0], "good scaffold")
    films.add_moment(trainee, film, 5_000, 9_500, guiding, None, "")
    db.session.expire(film)
    assert [(m.start_ms, m.author_id) for m in film.moments] == [
        (5_000, trainee.id),
        (30_000, trainee.id),
    ]
    assert _actions().count("moment.added") == 2


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(-1, 1000, "start"), (5000, 5000, "end"), (5000, 4000, "end"), (590_000, 601_000, "end")],
)
def test_bad_moments_are_refused(film, start, end, field):
    with pytest.raises(RuleViolation) as raised:
        films.add_moment(
            film.cycle.case.enrolment.trainee, film, start, end, _principle(film), None, ""
        )
    assert raised.value.field == field


def test_moment_element_must_belong_to_its_principle(film):
    attentive = _principle(film, "attentive")
    with pytest.raises(RuleViolation) as raised:
        films.add_moment(
            film.cycle.case.enrolment.trainee,
            film,
            0,
            1000,
            _principle(film),
            attentive.elements[0],
            "",
        )
    assert raised.value.field == "element"


def test_film_cannot_be_shortened_below_its_moments(film, consent):
    films.add_moment(
        film.cycle.case.enrolment.trainee, film, 0, 500_000, _principle(film), None, ""
    )
    with pytest.raises(RuleViolation) as raised:
        films.save_film(
            film.cycle.case.enrolment.trainee,
            film.cycle,
            film.kind,
            film.recorded_on,
            400,
            "drive",
            consent,
            TODAY,
            film=film,
        )
    assert raised.value.field == "length"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("How can I help Jamie Smith settle at bedtime?", ["Jamie Smith"]),
        ("Łucja Nowak and Дмитрий Иванов", ["Łucja Nowak", "Дмитрий Иванов"]),
        ("DOB 03/04/2019", ["03/04/2019", "DOB"]),
        ("born on 3 March 2019", ["3 March 2019", "born on"]),
        ("The Teacher and Mum watched together on Monday", []),
        ("How can I help him to wait his turn?", []),
    ],
)
def test_identifying_text_is_spotted(text, found):
    assert [w.found for w in identifying_text(text)] == found


def test_the_cases_own_label_is_spotted():
    assert [w.found for w in identifying_text("Helping the Ahmed family", "Ahmed")] == ["Ahmed"]
