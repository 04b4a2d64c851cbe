"""Schemes, their stages and requirements, and the competency framework, as versioned data.

A loaded (code, version, revision) row keeps its rules and English wording: a changed definition
file is loaded as the next revision, and enrolments keep pointing at the revision they were made
on. Only the wording's other languages (`translations`) are updated in place (`scheme_text`).
"""

from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.scheme_text import SchemeLabel, SchemeParagraph, SchemeText, Translations


@lru_cache(maxsize=1024)
def scheme_label(title: str, version: str, revision: int) -> str:
    """A scheme's (or framework's) name as people read it: "VIG (2024, rev. 1)" (its title in
    the reader's language on a page). Kept: a list or a CSV names the same few revisions on
    row after row, and a label is the same whoever reads it (each reader's language is applied
    when it is shown)."""
    return SchemeLabel(title, version, revision)


def scheme_label_columns() -> tuple[Any, ...]:
    """What a row of values needs for its scheme's `scheme_label` (`scheme_title`,
    `scheme_version`, `scheme_revision`), for selects of columns only."""
    return (
        Scheme.title.label("scheme_title"),
        Scheme.version.label("scheme_version"),
        Scheme.revision.label("scheme_revision"),
    )


class Framework(Base):
    """A version of the Principles of Attuned Interaction and Guidance."""

    __tablename__ = "frameworks"
    __table_args__ = (UniqueConstraint("code", "version", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(40))
    revision: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(SchemeText(200))
    digest: Mapped[str] = mapped_column(String(64))
    source_file: Mapped[str] = mapped_column(String(255))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The wording's other languages: {language: {English text: text}}; not part of the digest.
    translations: Mapped[Translations] = mapped_column(JSON, default=dict)

    principles: Mapped[list["Principle"]] = relationship(
        back_populates="framework", order_by="Principle.number", cascade="all, delete-orphan"
    )

    @property
    def label(self) -> str:
        """Human-readable name with version and revision."""
        return scheme_label(self.title, self.version, self.revision)


class Principle(Base):
    """One of the principles of a framework version."""

    __tablename__ = "principles"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"))
    number: Mapped[int]
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(SchemeText(120))
    description: Mapped[str] = mapped_column(SchemeParagraph, default="")

    framework: Mapped[Framework] = relationship(back_populates="principles")
    elements: Mapped[list["Element"]] = relationship(
        back_populates="principle", order_by="Element.number", cascade="all, delete-orphan"
    )


class Element(Base):
    """An observable element of a principle."""

    __tablename__ = "principle_elements"
    __table_args__ = (UniqueConstraint("principle_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    principle_id: Mapped[int] = mapped_column(ForeignKey("principles.id"))
    number: Mapped[int]
    code: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(SchemeText(255))

    principle: Mapped[Principle] = relationship(back_populates="elements")


class Scheme(Base):
    """A version (and revision) of an accreditation scheme."""

    __tablename__ = "schemes"
    __table_args__ = (UniqueConstraint("code", "version", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(40))
    revision: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(SchemeText(200))
    body: Mapped[str] = mapped_column(SchemeText(120))
    kind: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(SchemeParagraph, default="")
    offered: Mapped[bool] = mapped_column(default=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"))
    expected_months: Mapped[int | None]
    certificate_validity_months: Mapped[int | None]
    film_retention_months: Mapped[int] = mapped_column(default=2)
    assessor_grades: Mapped[list[str]] = mapped_column(JSON, default=list)
    digest: Mapped[str] = mapped_column(String(64))
    source_file: Mapped[str] = mapped_column(String(255))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The wording's other languages: {language: {English text: text}}; not part of the digest.
    translations: Mapped[Translations] = mapped_column(JSON, default=dict)

    framework: Mapped[Framework] = relationship()
    stages: Mapped[list["Stage"]] = relationship(
        back_populates="scheme", order_by="Stage.number", cascade="all, delete-orphan"
    )
    requirements: Mapped[list["Requirement"]] = relationship(
        back_populates="scheme", order_by="Requirement.position", cascade="all, delete-orphan"
    )

    @property
    def label(self) -> str:
        """Human-readable name with version and revision."""
        return scheme_label(self.title, self.version, self.revision)

    @property
    def renewal_requirements(self) -> list["Requirement"]:
        """Requirements for renewing a certificate, for schemes whose certificates expire."""
        return [r for r in self.requirements if r.stage_id is None]


class Stage(Base):
    """A stage of a scheme, ending with a course, a meeting or an evaluation."""

    __tablename__ = "stages"
    __table_args__ = (UniqueConstraint("scheme_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(SchemeText(200))
    description: Mapped[str] = mapped_column(SchemeParagraph, default="")
    ends_with: Mapped[str] = mapped_column(String(40))
    typical_months: Mapped[int | None]

    scheme: Mapped[Scheme] = relationship(back_populates="stages")
    requirements: Mapped[list["Requirement"]] = relationship(
        back_populates="stage", order_by="Requirement.position", viewonly=True
    )


class Requirement(Base):
    """A countable requirement of a stage (or of renewal when it has no stage)."""

    __tablename__ = "requirements"

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int]
    label: Mapped[str] = mapped_column(SchemeText(255))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    scheme: Mapped[Scheme] = relationship(back_populates="requirements")
    stage: Mapped[Stage | None] = relationship(back_populates="requirements")
