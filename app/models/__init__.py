"""Typed SQLAlchemy models, one module per aggregate; imported here so metadata is complete."""

from app.models.audit import AuditEvent
from app.models.base import Base
from app.models.case import Case, Consent
from app.models.enrolment import Enrolment, EnrolmentStage, SupervisorAssignment
from app.models.enums import (
    CaseSetting,
    ConsentScope,
    EnrolmentStatus,
    FilmKind,
    MilestoneKind,
    Role,
    SessionStatus,
    SupervisorGrade,
    TokenPurpose,
)
from app.models.film import Cycle, Film, Moment
from app.models.milestone import Milestone, Pause
from app.models.scheme import Element, Framework, Principle, Requirement, Scheme, Stage
from app.models.supervision import Reflection, SupervisionSession
from app.models.user import AuthToken, User, UserRole

__all__ = [
    "AuditEvent",
    "AuthToken",
    "Base",
    "Case",
    "CaseSetting",
    "Consent",
    "ConsentScope",
    "Cycle",
    "Element",
    "Enrolment",
    "EnrolmentStage",
    "EnrolmentStatus",
    "Film",
    "FilmKind",
    "Framework",
    "Milestone",
    "MilestoneKind",
    "Moment",
    "Pause",
    "Principle",
    "Reflection",
    "Requirement",
    "Role",
    "Scheme",
    "SessionStatus",
    "Stage",
    "SupervisionSession",
    "SupervisorAssignment",
    "SupervisorGrade",
    "TokenPurpose",
    "User",
    "UserRole",
]
