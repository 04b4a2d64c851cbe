"""Which supervisors a scheme allows to assess its stage meetings."""

from app.models import Role, Scheme, User


def grade_may_assess(supervisor: User, scheme: Scheme) -> bool:
    """Whether the supervisor's grade is one the scheme allows to assess stage meetings."""
    return (
        supervisor.active
        and supervisor.has_role(Role.SUPERVISOR)
        and supervisor.supervisor_grade is not None
        and supervisor.supervisor_grade.value in scheme.assessor_grades
    )
