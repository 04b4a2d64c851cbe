"""Read-side queries for the scheme and framework pages."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Framework, Principle, Scheme, Stage


def scheme_details(scheme_id: int) -> Scheme | None:
    """A scheme revision with its stages, requirements and framework loaded."""
    return db.session.scalar(
        select(Scheme)
        .where(Scheme.id == scheme_id)
        .options(
            selectinload(Scheme.stages).selectinload(Stage.requirements),
            selectinload(Scheme.requirements),
            selectinload(Scheme.framework),
        )
    )


def revisions_of(scheme: Scheme) -> list[Scheme]:
    """Every loaded revision of the same scheme version, oldest first."""
    return list(
        db.session.scalars(
            select(Scheme)
            .where(Scheme.code == scheme.code, Scheme.version == scheme.version)
            .order_by(Scheme.revision)
        )
    )


def framework_details(framework_id: int) -> Framework | None:
    """A framework revision with its principles and elements loaded."""
    return db.session.scalar(
        select(Framework)
        .where(Framework.id == framework_id)
        .options(selectinload(Framework.principles).selectinload(Principle.elements))
    )
