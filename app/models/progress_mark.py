"""How many times the facts behind each enrolment's progress have changed: the key under which
computed progress may be kept (see app/services/progress/marks.py)."""

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

# The row whose mark moves when facts change in bulk (a statement over many rows), so that every
# kept progress is recomputed.
EVERY_ENROLMENT = 0


class ProgressMark(Base):
    """One enrolment's change counter; bumped in the transaction that changes its facts.

    No foreign key: the row is written last, just before commit, and must not wait on (or lock)
    the enrolment row that decisions lock with SELECT ... FOR UPDATE.
    """

    __tablename__ = "progress_marks"

    enrolment_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    mark: Mapped[int] = mapped_column(BigInteger, default=1)
