"""A trainee with a case, consent, a cycle and a film, for page tests (schemes must be loaded)."""

from dataclasses import dataclass
from datetime import date

from app.models import CaseSetting, ConsentScope, FilmKind, Role, User
from app.services.evidence import cases, films
from tests.builders.people import enrolled_trainee, make_user

TODAY = date(2026, 11, 24)
MP4_HEADER = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def mp4_bytes(size: int) -> bytes:
    """Bytes that are an MP4 by their signature, padded to `size`."""
    return MP4_HEADER + b"\x00" * (size - len(MP4_HEADER))


@dataclass
class World:
    """Ids and emails of everything a page test needs."""

    enrolment_id: int
    case_id: int
    consent_id: int
    cycle_id: int
    film_id: int
    trainee: str
    supervisor: str
    coordinator: str
    other_trainee: str
    other_supervisor: str


def build_world(scopes: set[ConsentScope] | None = None) -> World:
    """Create the world inside an app context (the caller commits)."""
    enrolment = enrolled_trainee()
    trainee: User = enrolment.trainee
    case = cases.create_case(
        trainee, enrolment, CaseSetting.FAMILY, "", "How can I?", "", date(2026, 2, 1), None, TODAY
    )
    consent = cases.add_consent(
        trainee,
        case,
        "parent",
        date(2026, 2, 1),
        scopes or {ConsentScope.FILMING, ConsentScope.OWN_SUPERVISOR},
        None,
        TODAY,
    )
    cycle = films.save_cycle(
        trainee, case, date(2026, 2, 10), True, date(2026, 2, 14), False, "", TODAY
    )
    film = films.save_film(
        trainee,
        cycle,
        FilmKind.INTERACTION,
        date(2026, 2, 10),
        600,
        "employer's secure drive",
        consent,
        TODAY,
    )
    other = enrolled_trainee()
    return World(
        enrolment_id=enrolment.id,
        case_id=case.id,
        consent_id=consent.id,
        cycle_id=cycle.id,
        film_id=film.id,
        trainee=trainee.email,
        supervisor=enrolment.current_assignment.supervisor.email,
        coordinator=make_user(Role.COORDINATOR).email,
        other_trainee=other.trainee.email,
        other_supervisor=other.current_assignment.supervisor.email,
    )
