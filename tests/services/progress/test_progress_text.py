"""The requirement wording: one sentence of what is done and what is left, with plural forms
for one and for several (ngettext), for every kind of requirement a scheme may list."""

import pytest

from app.services.progress.rules import RULES, UNITS, RequirementProgress
from app.services.progress.text import (
    achieved_text,
    format_minutes,
    missing_text,
    requirement_text,
)


def _req(kind: str, required: int, achieved: int) -> RequirementProgress:
    return RequirementProgress(
        requirement_id=1,
        kind=kind,
        label="(the scheme's own label)",
        required=required,
        achieved=achieved,
        unit=UNITS.get(kind, "count"),
        met=achieved >= required,
        remaining=max(required - achieved, 0),
        evidence=(),
        reached_on=None,
    )


@pytest.mark.parametrize(
    ("kind", "required", "achieved", "sentence"),
    [
        ("cycles", 9, 4, "4 of 9 complete cycles — 5 more to go"),
        ("cycles", 1, 0, "0 of 1 complete cycle — 1 more to go"),
        ("cycles", 6, 6, "6 of 6 complete cycles"),
        ("clients", 1, 1, "1 of 1 client"),
        ("clients", 2, 1, "1 of 2 clients — 1 more to go"),
        ("new_clients", 3, 1, "1 of 3 clients not seen in an earlier stage — 2 more to go"),
        ("cases", 10, 7, "7 of 10 cases — 3 more to go"),
        ("supervision_sessions", 1, 0, "0 of 1 confirmed supervision session — 1 more to go"),
        ("supervision_sessions", 4, 2, "2 of 4 confirmed supervision sessions — 2 more to go"),
        ("meeting", 1, 0, "0 of 1 meeting — 1 more to go"),
        ("intro_session", 1, 1, "1 of 1 introductory session"),
        ("peer_presentations", 2, 0, "0 of 2 peer-group presentations — 2 more to go"),
        ("intervision_sessions", 1, 0, "0 of 1 intervision session — 1 more to go"),
        ("minimum_months", 6, 5, "5 of 6 months in this stage — 1 more month to go"),
        ("minimum_months", 6, 2, "2 of 6 months in this stage — 4 more months to go"),
        ("minimum_months", 1, 0, "0 of 1 month in this stage — 1 more month to go"),
        (
            "supervision_minutes",
            480,
            270,
            "4 h 30 min of 8 h of confirmed supervision — 3 h 30 min still needed",
        ),
        ("supervision_minutes", 420, 420, "7 h of 7 h of confirmed supervision"),
        ("competency", 4, 3, "rated 3, 4 or more needed — not reached yet"),
        ("competency", 4, 0, "not rated yet, 4 or more needed — not reached yet"),
    ],
)
def test_each_requirement_reads_as_one_sentence(app, kind, required, achieved, sentence):
    with app.test_request_context():
        assert requirement_text(_req(kind, required, achieved)) == sentence


def test_a_met_requirement_has_nothing_left(app):
    with app.test_request_context():
        met = _req("cycles", 6, 7)
        assert missing_text(met) == "" and requirement_text(met) == achieved_text(met)


def test_every_kind_a_scheme_may_list_names_what_it_counts(app):
    # No kind falls back to bare figures ("4 of 9"): each says what it counts.
    with app.test_request_context():
        for kind in RULES:
            done = achieved_text(_req(kind, 9, 4))
            assert done != "4 of 9" and len(done.split()) > 3, kind
            assert missing_text(_req(kind, 9, 4)), kind


@pytest.mark.parametrize(
    ("minutes", "text"), [(60, "1 h"), (45, "45 min"), (90, "1 h 30 min"), (0, "0 min")]
)
def test_minutes_read_as_hours_and_minutes(app, minutes, text):
    with app.test_request_context():
        assert format_minutes(minutes) == text
