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
