"""A trainee's case (a pseudonymised client) and the consents its films rest on."""

from datetime import date, datetime

from sqlalchemy import JSON, ColumnElement, ForeignKey, String, Text, UniqueConstraint, case
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.enrolment import Enrolment
from app.models.enums import CaseSetting, ConsentScope, str_enum


class Case(Base):
    """A client relationship the trainee guides, known only by a generated code."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("enrolment_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    code: Mapped[str] = mapped_column(String(12))
    label: Mapped[str] = mapped_column(String(40), default="")
    setting: Mapped[CaseSetting] = mapped_column(str_enum(CaseSetting))
    helping_question: Mapped[str] = mapped_column(Text, default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enrolment: Mapped[Enrolment] = relationship()
    consents: Mapped[list["Consent"]] = relationship(
        back_populates="case", order_by="Consent.given_on, Consent.id", cascade="all, delete-orphan"
    )

    @hybrid_property
    def title(self) -> str:
        """The code, with the trainee's own label when there is one."""
        return f"{self.code} · {self.label}" if self.label else self.code

    @title.inplace.expression
    @classmethod
    def _title_in_sql(cls) -> ColumnElement[str]:
        """The same title written by the database, for lists that read rows of columns."""
        return case((cls.label != "", cls.code + " · " + cls.label), else_=cls.code)


class Consent(Base):
    """Consent given for filming and for who may see the films; it can be withdrawn."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    given_by_role: Mapped[str] = mapped_column(String(40))
    given_on: Mapped[date]
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    deletion_due_on: Mapped[date | None]
    withdrawn_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="consents")

    def allows(self, scope: ConsentScope) -> bool:
        """Whether the consent (as it stands after any withdrawal) covers `scope`."""
        return scope.value in self.scopes
