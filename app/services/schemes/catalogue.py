"""Read-side queries: the latest revisions (for the loader and the pages) and the catalogue
pages' details."""

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Element, Framework, Principle, Scheme, Stage


def latest_framework(code: str, version: str) -> Framework | None:
    """The latest revision of a framework version, or None if it was never loaded."""
    return db.session.scalars(
        select(Framework)
        .where(Framework.code == code, Framework.version == version)
        .order_by(Framework.revision.desc())
        .limit(1)
    ).first()


def latest_scheme(code: str, version: str) -> Scheme | None:
    """The latest revision of a scheme version, or None if it was never loaded."""
    return db.session.scalars(
        select(Scheme)
        .where(Scheme.code == code, Scheme.version == version)
        .order_by(Scheme.revision.desc())
        .limit(1)
    ).first()


def latest_schemes() -> list[Scheme]:
    """The latest revision of every scheme version, offered ones first, then by title."""
    newest = (
        select(Scheme.code, Scheme.version, func.max(Scheme.revision).label("revision"))
        .group_by(Scheme.code, Scheme.version)
        .subquery()
    )
    same = and_(
        Scheme.code == newest.c.code,
        Scheme.version == newest.c.version,
        Scheme.revision == newest.c.revision,
    )
    return list(
        db.session.scalars(
            select(Scheme)
            .join(newest, same)
            .order_by(Scheme.offered.desc(), Scheme.title, Scheme.version.desc(), Scheme.code)
        )
    )


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


@dataclass(frozen=True)
class PrincipleOutline:
    """A principle of a framework revision as a form offers it: its elements as (id, text)."""

    id: int
    number: int
    name: str
    elements: tuple[tuple[int, str], ...]


_OUTLINE = (
    select(
        Principle.id,
        Principle.number,
        Principle.name,
        Element.id.label("element_id"),
        Element.text,
    )
    .outerjoin(Element, Element.principle_id == Principle.id)
    .where(Principle.framework_id == bindparam("framework_id"))
    .order_by(Principle.number, Element.number)
)


def framework_outline(framework_id: int) -> list[PrincipleOutline]:
    """A framework revision's principles and their elements, in order, as values (one
    statement, no objects: the film page offers them all in its form)."""
    elements: dict[int, list[tuple[int, str]]] = {}
    principles: dict[int, tuple[int, str]] = {}
    for row in db.session.execute(_OUTLINE, {"framework_id": framework_id}):
        principles.setdefault(row.id, (row.number, row.name))
        found = elements.setdefault(row.id, [])
        if row.element_id is not None:
            found.append((row.element_id, row.text))
    return [
        PrincipleOutline(pid, number, name, tuple(elements[pid]))
        for pid, (number, name) in principles.items()
    ]
