"""What progress reads of an enrolment itself."""

from datetime import date
from typing import Protocol


class EnrolmentHead(Protocol):
    """What progress reads of an enrolment itself: an enrolment, or a row of these columns."""

    @property
    def id(self) -> int: ...
    @property
    def trainee_id(self) -> int: ...
    @property
    def scheme_id(self) -> int: ...
    @property
    def started_on(self) -> date: ...
