"""Phrases: English wording with named values, shown in the reader's language and formats; and
a scan of the code that every refusal and notification is worded so the catalogue can hold it."""

import ast
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from app.errors import RuleViolation
from app.i18n import in_locale
from app.phrase import Phrase, counted
from app.web.phrases import phrase_text

APP = Path(__file__).resolve().parent.parent / "app"
# The calls whose first argument (ensure's fourth) is wording the catalogue translates.
WORDED = {"RuleViolation": 0, "NotAllowed": 0, "Phrase": 0, "counted": 0, "ensure": 3}
PLACEHOLDER = re.compile(r"%\((\w+)\)(.)")


def test_english_wording_takes_its_values_in_english_formats():
    phrase = Phrase(
        "%(name)s logged %(count)s sessions on %(day)s for %(people)s.",
        name="Ana",
        count=1200,
        day=date(2026, 2, 7),
        people=("Bo", "Cy", "Di"),
    )
    assert phrase.english() == "Ana logged 1,200 sessions on Feb 7, 2026 for Bo, Cy, and Di."


def test_a_phrase_without_values_is_its_wording_even_with_a_percent_sign():
    assert Phrase("100% done").english() == "100% done"


def test_a_counted_phrase_chooses_its_form_by_number():
    assert counted("%(num)s day", "%(num)s days", num=1).english() == "1 day"
    assert counted("%(num)s day", "%(num)s days", num=3).english() == "3 days"


def test_a_yes_or_no_is_refused_as_a_value():
    with pytest.raises(TypeError):
        Phrase("It is %(flag)s", flag=True).english()


def test_phrases_keep_in_json_and_come_back_the_same():
    nested = Phrase("Locked on %(day)s", day=datetime(2026, 3, 1, 23, 30))
    phrase = counted(
        "%(num)s thing: %(why)s %(who)s",
        "%(num)s things: %(why)s %(who)s",
        num=2,
        why=nested,
        who=("Ana", Phrase("consent was withdrawn")),
    )
    again = Phrase.from_json(phrase.to_json())
    assert again.english() == phrase.english()
    assert again.to_json() == phrase.to_json()


def test_the_reader_gets_the_wording_and_the_values_in_their_language(app):
    refusal = RuleViolation(
        "Renewal opens on %(day)s, %(months)s months before the certificate expires.",
        day=date(2026, 2, 7),
        months=6,
    )
    assert refusal.message == (
        "Renewal opens on Feb 7, 2026, 6 months before the certificate expires."
    )
    with app.test_request_context(), in_locale("nl"):
        shown = phrase_text(refusal.phrase)
    assert shown == "Verlengen kan vanaf 7 feb 2026, 6 maanden voordat het certificaat verloopt."


def test_nested_phrases_and_lists_are_translated_too(app):
    phrase = Phrase(
        "Not yet: %(missing)s.",
        missing=(
            Phrase("%(requirement)s (%(done)s of %(needed)s)", requirement="A", done=1, needed=2),
            Phrase("consent was withdrawn"),
        ),
    )
    with app.test_request_context(), in_locale("nl"):
        shown = phrase_text(phrase)
    assert shown == "Nog niet: A (1 van 2) en de toestemming is ingetrokken."


def test_wording_not_in_the_catalogue_is_shown_in_english(app):
    with app.test_request_context(), in_locale("nl"):
        assert phrase_text(Phrase("Unheard of, %(who)s", who="Ana")) == "Unheard of, Ana"


def _worded_calls() -> list[tuple[str, ast.Call, ast.expr]]:
    found = []
    for path in sorted(APP.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            position = WORDED.get(name or "")
            if position is not None and len(node.args) > position:
                found.append(
                    (f"{path.relative_to(APP.parent)}:{node.lineno}", node, node.args[position])
                )
    return found


def test_the_scan_finds_the_refusals_and_notifications():
    """The control: the scan below looks at the calls it means to (hundreds of them)."""
    places = {where.split(":")[0] for where, _, _ in _worded_calls()}
    assert len(_worded_calls()) > 200
    assert {"app/services/coordination/overdue.py", "app/authz/rules.py"} <= places


def _has_text(*nodes: ast.expr) -> bool:
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in nodes)


def test_every_wording_is_a_literal_the_catalogue_can_hold():
    """Built text (f-strings, +, join, %) would reach readers untranslated: values go in as
    named arguments instead."""
    built = [
        where
        for where, _, wording in _worded_calls()
        if isinstance(wording, ast.JoinedStr | ast.BinOp)
        or (isinstance(wording, ast.IfExp) and _has_text(wording.body, wording.orelse))
        or (
            isinstance(wording, ast.Call)
            and getattr(wording.func, "attr", "") in ("join", "format")
        )
    ]
    assert built == []


def test_every_placeholder_has_its_value_and_every_value_its_placeholder():
    """`%(name)s` only (values are formatted before they go in), each named by an argument."""
    wrong = []
    for where, call, wording in _worded_calls():
        name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
        if name == "ensure" or not (
            isinstance(wording, ast.Constant) and isinstance(wording.value, str)
        ):
            continue
        texts = [wording.value]
        if name == "counted" and isinstance(call.args[1], ast.Constant):
            texts.append(call.args[1].value)
        given = {k.arg for k in call.keywords if k.arg not in (None, "field")}
        if any(k.arg is None for k in call.keywords):  # **values: checked when shown
            continue
        for text in texts:
            placeholders = PLACEHOLDER.findall(text)
            used = {n for n, _ in placeholders}
            if any(kind != "s" for _, kind in placeholders):
                wrong.append(f"{where}: only %(name)s placeholders")
            elif used - given or (given - {"num"} - used and name != "counted"):
                wrong.append(f"{where}: placeholders {sorted(used)}, values {sorted(given)}")
    assert wrong == []


def test_counts_are_written_in_the_readers_digits(app):
    from app.i18n import ngettext

    with app.test_request_context(), in_locale("nl"):
        assert ngettext("%(num)s more to go", "%(num)s more to go", 12345) == "nog 12.345 te gaan"
        assert phrase_text(counted("%(num)s more", "%(num)s more", num=1500)) == "nog 1.500"
    with app.test_request_context(), in_locale("en"):
        assert ngettext("%(num)s more to go", "%(num)s more to go", 12345) == "12,345 more to go"
