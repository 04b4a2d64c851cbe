"""The association's active coordinators: told of what waits on them, and never fewer than one."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Role, User, UserRole


def active_coordinators() -> list[User]:
    """Every active coordinator (told of meetings to decide, and of what is overdue)."""
    return list(
        db.session.scalars(
            select(User).where(User.active.is_(True), User.role_links.any(role=Role.COORDINATOR))
        )
    )


def active_coordinator_count() -> int:
    """How many active coordinators there are: Attune always keeps one."""
    query = (
        select(func.count())
        .select_from(User)
        .join(UserRole)
        .where(UserRole.role == Role.COORDINATOR, User.active.is_(True))
    )
    return db.session.scalar(query) or 0
