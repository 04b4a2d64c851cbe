"""Typed SQLAlchemy models, one module per aggregate; imported here so metadata is complete."""

from app.models.audit import AuditEvent
from app.models.base import Base
from app.models.enrolment import Enrolment, EnrolmentStage, SupervisorAssignment
from app.models.enums import EnrolmentStatus, Role, SupervisorGrade, TokenPurpose
from app.models.scheme import Element, Framework, Principle, Requirement, Scheme, Stage
from app.models.user import AuthToken, User, UserRole

__all__ = [
    "AuditEvent",
    "AuthToken",
    "Base",
    "Element",
    "Enrolment",
    "EnrolmentStage",
    "EnrolmentStatus",
    "Framework",
    "Principle",
    "Requirement",
    "Role",
    "Scheme",
    "Stage",
    "SupervisorAssignment",
    "SupervisorGrade",
    "TokenPurpose",
    "User",
    "UserRole",
]
