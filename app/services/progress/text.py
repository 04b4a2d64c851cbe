"""Progress in plain words ("2 more new clients", "3 h 30 min of confirmed supervision")."""

from app.i18n import gettext, ngettext
from app.services.progress.rules import RequirementProgress


def format_minutes(minutes: int) -> str:
    """'7 h', '3 h 30 min' or '45 min'."""
    hours, rest = divmod(max(minutes, 0), 60)
    if hours and rest:
        return gettext("%(h)s h %(m)s min", h=hours, m=rest)
    if hours:
        return gettext("%(h)s h", h=hours)
    return gettext("%(m)s min", m=rest)


def achieved_text(req: RequirementProgress) -> str:
    """What has been achieved against what is required."""
    if req.unit == "minutes":
        return gettext(
            "%(a)s of %(r)s", a=format_minutes(req.achieved), r=format_minutes(req.required)
        )
    if req.unit == "months":
        return gettext("%(a)s of %(r)s months", a=req.achieved, r=req.required)
    return gettext("%(a)s of %(r)s", a=req.achieved, r=req.required)


def missing_text(req: RequirementProgress) -> str:
    """What is still missing, in plain words; empty when the requirement is met."""
    n = req.remaining
    if req.met or n <= 0:
        return ""
    texts = {
        "cycles": lambda: ngettext(
            "%(num)s more complete cycle", "%(num)s more complete cycles", n
        ),
        "clients": lambda: ngettext("%(num)s more client", "%(num)s more clients", n),
        "cases": lambda: ngettext("%(num)s more case", "%(num)s more cases", n),
        "new_clients": lambda: ngettext(
            "%(num)s more client not seen in an earlier stage",
            "%(num)s more clients not seen in an earlier stage",
            n,
        ),
        "supervision_minutes": lambda: gettext(
            "%(time)s of confirmed supervision", time=format_minutes(n)
        ),
        "supervision_sessions": lambda: ngettext(
            "%(num)s more confirmed supervision session",
            "%(num)s more confirmed supervision sessions",
            n,
        ),
        "minimum_months": lambda: ngettext(
            "%(num)s more month in this stage", "%(num)s more months in this stage", n
        ),
        "peer_presentations": lambda: ngettext(
            "%(num)s more peer-group presentation", "%(num)s more peer-group presentations", n
        ),
        "intervision_sessions": lambda: ngettext(
            "%(num)s more intervision session", "%(num)s more intervision sessions", n
        ),
    }
    if req.kind in texts:
        return texts[req.kind]()
    return gettext("still to do: %(what)s", what=req.label)
