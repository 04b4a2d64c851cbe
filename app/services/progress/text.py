"""Progress in plain words: one sentence per requirement of what is done and what is left
("4 of 9 complete cycles — 5 more to go", "4 h 30 min of 8 h of confirmed supervision — 3 h
30 min still needed"). Every count shown with a noun goes through ngettext."""

from collections.abc import Callable

from app.i18n import gettext, ngettext
from app.services.progress.rules import RequirementProgress


def format_minutes(minutes: int) -> str:
    """'7 h', '3 h 30 min' or '45 min'."""
    hours, rest = divmod(max(minutes, 0), 60)
    hours_text = ngettext("%(num)s h", "%(num)s h", hours)
    minutes_text = ngettext("%(num)s min", "%(num)s min", rest)
    if hours and rest:
        return gettext("%(hours)s %(minutes)s", hours=hours_text, minutes=minutes_text)
    return hours_text if hours else minutes_text


# What each kind counts, as "<done> of <required> <things>"; the noun agrees with the number
# required ("0 of 1 meeting", "4 of 9 complete cycles").
_COUNTED: dict[str, Callable[[int, int], str]] = {
    "cycles": lambda done, n: ngettext(
        "%(done)s of %(num)s complete cycle", "%(done)s of %(num)s complete cycles", n, done=done
    ),
    "clients": lambda done, n: ngettext(
        "%(done)s of %(num)s client", "%(done)s of %(num)s clients", n, done=done
    ),
    "cases": lambda done, n: ngettext(
        "%(done)s of %(num)s case", "%(done)s of %(num)s cases", n, done=done
    ),
    "new_clients": lambda done, n: ngettext(
        "%(done)s of %(num)s client not seen in an earlier stage",
        "%(done)s of %(num)s clients not seen in an earlier stage",
        n,
        done=done,
    ),
    "supervision_sessions": lambda done, n: ngettext(
        "%(done)s of %(num)s confirmed supervision session",
        "%(done)s of %(num)s confirmed supervision sessions",
        n,
        done=done,
    ),
    "minimum_months": lambda done, n: ngettext(
        "%(done)s of %(num)s month in this stage",
        "%(done)s of %(num)s months in this stage",
        n,
        done=done,
    ),
    "peer_presentations": lambda done, n: ngettext(
        "%(done)s of %(num)s peer-group presentation",
        "%(done)s of %(num)s peer-group presentations",
        n,
        done=done,
    ),
    "intervision_sessions": lambda done, n: ngettext(
        "%(done)s of %(num)s intervision session",
        "%(done)s of %(num)s intervision sessions",
        n,
        done=done,
    ),
    "intro_session": lambda done, n: ngettext(
        "%(done)s of %(num)s introductory session",
        "%(done)s of %(num)s introductory sessions",
        n,
        done=done,
    ),
    "course": lambda done, n: ngettext(
        "%(done)s of %(num)s course", "%(done)s of %(num)s courses", n, done=done
    ),
    "document": lambda done, n: ngettext(
        "%(done)s of %(num)s document", "%(done)s of %(num)s documents", n, done=done
    ),
    "meeting": lambda done, n: ngettext(
        "%(done)s of %(num)s meeting", "%(done)s of %(num)s meetings", n, done=done
    ),
}


def achieved_text(req: RequirementProgress) -> str:
    """What has been done against what is required, with what it counts."""
    if req.unit == "minutes":
        return gettext(
            "%(done)s of %(needed)s of confirmed supervision",
            done=format_minutes(req.achieved),
            needed=format_minutes(req.required),
        )
    if req.kind == "competency":
        if req.achieved <= 0:
            return gettext("not rated yet, %(needed)s or more needed", needed=req.required)
        return gettext(
            "rated %(done)s, %(needed)s or more needed", done=req.achieved, needed=req.required
        )
    counted = _COUNTED.get(req.kind)
    if counted is not None:
        return counted(req.achieved, req.required)
    return gettext("%(done)s of %(needed)s", done=req.achieved, needed=req.required)


def missing_text(req: RequirementProgress) -> str:
    """What is still left, in plain words; empty when the requirement is met."""
    n = req.remaining
    if req.met or n <= 0:
        return ""
    if req.unit == "minutes":
        return gettext("%(time)s still needed", time=format_minutes(n))
    if req.unit == "months":
        return ngettext("%(num)s more month to go", "%(num)s more months to go", n)
    if req.kind == "competency":
        return gettext("not reached yet")
    return ngettext("%(num)s more to go", "%(num)s more to go", n)


def requirement_text(req: RequirementProgress) -> str:
    """One sentence: what is done and, unless the requirement is met, what is left."""
    done, left = achieved_text(req), missing_text(req)
    return gettext("%(done)s — %(left)s", done=done, left=left) if left else done
