"""Translated, human names for the values people see (roles, grades, statuses)."""

from app.i18n import lazy_gettext as _l

ROLE_NAMES = {
    "trainee": _l("Trainee"),
    "supervisor": _l("Supervisor"),
    "coordinator": _l("Coordinator"),
}
GRADE_NAMES = {
    "in_training": _l("Supervisor in training"),
    "supervisor": _l("Supervisor"),
    "advanced": _l("Advanced / national supervisor"),
}
STATUS_NAMES = {
    "active": _l("Active"),
    "accredited": _l("Accredited"),
    "withdrawn": _l("Withdrawn"),
}
ENDS_WITH_NAMES = {
    "course_completion": _l("Course completion"),
    "transition_meeting": _l("Transition meeting"),
    "accreditation_meeting": _l("Accreditation meeting"),
    "mid_course_evaluation": _l("Mid-course evaluation"),
    "final_review": _l("Final review"),
    "none": _l("—"),
}
