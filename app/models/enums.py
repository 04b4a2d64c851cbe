"""Enumerations stored as plain strings (portable between SQLite and PostgreSQL)."""

from enum import StrEnum

from sqlalchemy import Enum


class Role(StrEnum):
    """What a person may act as; a person may hold several."""

    TRAINEE = "trainee"
    SUPERVISOR = "supervisor"
    COORDINATOR = "coordinator"


class SupervisorGrade(StrEnum):
    """A supervisor's grade; schemes say which grades may assess stage meetings."""

    IN_TRAINING = "in_training"
    SUPERVISOR = "supervisor"
    ADVANCED = "advanced"


class TokenPurpose(StrEnum):
    """Why a one-time link was issued."""

    INVITE = "invite"
    RESET = "reset"


class EnrolmentStatus(StrEnum):
    """Where an enrolment stands as a whole."""

    ACTIVE = "active"
    ACCREDITED = "accredited"
    WITHDRAWN = "withdrawn"


class RevocationScope(StrEnum):
    """What a certificate's revocation withdraws: only the document (a new one is then due), or
    the accreditation itself."""

    DOCUMENT = "document"
    ACCREDITATION = "accreditation"


class PortfolioStatus(StrEnum):
    """Where a portfolio's generation stands."""

    PREPARING = "preparing"
    READY = "ready"
    FAILED = "failed"


class CohortKind(StrEnum):
    """What brings a cohort's trainees together."""

    COURSE = "course"
    REGION = "region"
    EMPLOYER = "employer"
    OTHER = "other"


def str_enum(enum_cls: type[StrEnum], length: int = 20) -> Enum:
    """A column type storing a StrEnum by value as VARCHAR, without a native database enum."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class CaseSetting(StrEnum):
    """Where the guided relationship lives."""

    FAMILY = "family"
    SCHOOL = "school"
    EARLY_YEARS = "early_years"
    HEALTH = "health"
    OTHER = "other"


class FilmKind(StrEnum):
    """What a film shows."""

    INTERACTION = "interaction"
    SHARED_REVIEW = "shared_review"


class SessionStatus(StrEnum):
    """Where a logged supervision session stands; only confirmed sessions count."""

    LOGGED = "logged"
    CONFIRMED = "confirmed"
    RETURNED = "returned"


class ConsentScope(StrEnum):
    """Who may see a case's films, as the client agreed."""

    FILMING = "filming"
    OWN_SUPERVISOR = "own_supervisor"
    INTERVISION = "intervision"
    ASSESSOR = "assessor"
    TRAINING = "training"


class MilestoneKind(StrEnum):
    """Dated evidence other than cycles and sessions."""

    COURSE = "course"
    INTRO_SESSION = "intro_session"
    DOCUMENT = "document"
    MEETING = "meeting"
    PEER_PRESENTATION = "peer_presentation"
    INTERVISION_SESSION = "intervision_session"


class RatingKind(StrEnum):
    """Who rated: the trainee themself, or their own supervisor."""

    SELF = "self"
    SUPERVISOR = "supervisor"


class MeetingStatus(StrEnum):
    """Where an end-of-stage meeting stands."""

    REQUESTED = "requested"
    ASSESSOR_NAMED = "assessor_named"
    PASSED = "passed"
    NOT_YET = "not_yet"
    WITHDRAWN = "withdrawn"
    RATIFIED = "ratified"
    VOIDED = "voided"


class NotifyBy(StrEnum):
    """How a person wants to hear about what waits for them."""

    IMMEDIATE = "immediate"
    DIGEST = "digest"
