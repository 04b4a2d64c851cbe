"""Typed SQLAlchemy models, one module per aggregate; imported here so metadata is complete."""

from app.models.audit import AuditEvent
from app.models.base import Base
from app.models.case import Case, Consent
from app.models.certificate import Certificate
from app.models.cohort import Cohort, CohortMember
from app.models.enrolment import Enrolment, EnrolmentStage, SupervisorAssignment
from app.models.enums import (
    CaseSetting,
    CohortKind,
    ConsentScope,
    EnrolmentStatus,
    FilmKind,
    MeetingStatus,
    MilestoneKind,
    NotifyBy,
    PortfolioStatus,
    RatingKind,
    RevocationScope,
    Role,
    SessionStatus,
    SupervisorGrade,
    TokenPurpose,
)
from app.models.film import Cycle, Film, Moment, MomentReply
from app.models.login_session import LoginSession
from app.models.milestone import Milestone, Pause
from app.models.portfolio import PortfolioDocument
from app.models.progress_mark import ProgressMark
from app.models.scheme import Element, Framework, Principle, Requirement, Scheme, Stage
from app.models.second_factor import AuthenticatorApp, Passkey, RecoveryCode, SecondFactorPolicy
from app.models.signoff import DigestSent, EvidenceLock, Notification, Rating, StageMeeting
from app.models.supervision import Reflection, SupervisionSession
from app.models.user import AuthToken, User, UserRole

__all__ = [
    "AuditEvent",
    "AuthToken",
    "AuthenticatorApp",
    "Base",
    "Case",
    "CaseSetting",
    "Certificate",
    "Cohort",
    "CohortKind",
    "CohortMember",
    "Consent",
    "ConsentScope",
    "Cycle",
    "DigestSent",
    "Element",
    "Enrolment",
    "EnrolmentStage",
    "EnrolmentStatus",
    "EvidenceLock",
    "Film",
    "FilmKind",
    "Framework",
    "LoginSession",
    "MeetingStatus",
    "Milestone",
    "MilestoneKind",
    "Moment",
    "MomentReply",
    "Notification",
    "NotifyBy",
    "Passkey",
    "Pause",
    "PortfolioDocument",
    "PortfolioStatus",
    "Principle",
    "ProgressMark",
    "Rating",
    "RatingKind",
    "RecoveryCode",
    "Reflection",
    "Requirement",
    "RevocationScope",
    "Role",
    "Scheme",
    "SecondFactorPolicy",
    "SessionStatus",
    "Stage",
    "StageMeeting",
    "SupervisionSession",
    "SupervisorAssignment",
    "SupervisorGrade",
    "TokenPurpose",
    "User",
    "UserRole",
]
