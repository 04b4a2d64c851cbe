"""Translated names for evidence values (settings, consent scopes, film kinds, statuses)."""

from app.i18n import lazy_gettext as _l

SETTING_NAMES = {
    "family": _l("Family"),
    "school": _l("School"),
    "early_years": _l("Early years"),
    "health": _l("Health"),
    "other": _l("Other"),
}
SCOPE_NAMES = {
    "filming": _l("Filming, and the guider's own use"),
    "own_supervisor": _l("The guider's own supervisor"),
    "intervision": _l("Peers in intervision"),
    "assessor": _l("A stage assessor"),
    "training": _l("Training events (separate consent)"),
}
FILM_KIND_NAMES = {
    "interaction": _l("Interaction"),
    "shared_review": _l("Shared review"),
}
SESSION_STATUS_NAMES = {
    "logged": _l("Waiting for confirmation"),
    "confirmed": _l("Confirmed"),
    "returned": _l("Returned to the trainee"),
}
MILESTONE_NAMES = {
    "course": _l("Course completed"),
    "intro_session": _l("Introductory session"),
    "document": _l("Document"),
    "meeting": _l("Meeting"),
    "peer_presentation": _l("Peer-group presentation"),
    "intervision_session": _l("Intervision session"),
}
MEETING_STATUS_NAMES = {
    "requested": _l("Requested: waiting for an assessor"),
    "assessor_named": _l("Assessor named: meeting to be held"),
    "passed": _l("Passed: waiting for ratification"),
    "not_yet": _l("Not yet"),
    "withdrawn": _l("Withdrawn"),
    "ratified": _l("Ratified"),
    "voided": _l("Reopened (outcome voided)"),
}
RATING_KIND_NAMES = {
    "self": _l("Self-assessment"),
    "supervisor": _l("Supervisor's rating"),
}
# What a sign-off's digest covers, named where a changed or missing piece is listed.
EVIDENCE_KIND_NAMES = {
    "case": _l("case"),
    "cycle": _l("cycle"),
    "film": _l("film"),
    "moment": _l("moment"),
    "session": _l("supervision session"),
    "milestone": _l("milestone"),
    "reflection": _l("reflection"),
    "rating": _l("rating"),
}
