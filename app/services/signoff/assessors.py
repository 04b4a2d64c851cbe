"""Which supervisors a scheme allows to assess its stage meetings."""

from app.authz.rules import may_supervise
from app.models import Scheme, User


def grade_may_assess(supervisor: User, scheme: Scheme) -> bool:
    """Whether the supervisor's grade is one the scheme allows to assess stage meetings."""
    return (
        supervisor.active
        and may_supervise(supervisor)
        and supervisor.supervisor_grade is not None
        and supervisor.supervisor_grade.value in scheme.assessor_grades
    )
