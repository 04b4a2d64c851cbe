"""Row locks for decisions: two people deciding the same thing at the same instant end with one
decision and a clear refusal for the other.

A decision starts by re-reading the rows it decides on with SELECT ... FOR UPDATE: the second
request waits there until the first commits, then reads the new state, and its precondition
refuses it with the usual RuleViolation. On SQLite the lock is a no-op (write transactions
begin with BEGIN IMMEDIATE, so writers are already serialised, see app/database.py), but the
fresh re-read still matters: the objects were loaded before the decision began.
"""

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import select

from app.extensions import db

T = TypeVar("T")


def locked(obj: T) -> T:
    """`obj` re-read from its locked row (the same object, refreshed), for this transaction."""
    model: Any = type(obj)
    found: T = db.session.execute(
        select(model)
        .where(model.id == obj.id)  # type: ignore[attr-defined]
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    return found


def locked_by_id(model: type[T], row_id: int) -> T:
    """The row of `model` with this id, read fresh and locked for this transaction."""
    column: Any = model
    found: T = db.session.execute(
        select(column)
        .where(column.id == row_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    return found


def locked_all(objs: Iterable[T]) -> list[T]:
    """Several rows of one model, locked in the order of their ids (so that two requests
    locking overlapping sets cannot deadlock), each re-read."""
    return [locked(obj) for obj in sorted(objs, key=lambda obj: obj.id)]  # type: ignore[attr-defined]
