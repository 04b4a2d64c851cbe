"""The CSV writer: byte-order mark, header, quoting, batching and formula neutralising."""

import csv
import io

import pytest
from flask_babel.speaklater import LazyString

from app.lists.csv_export import BATCH_SIZE, BOM, Column, csv_chunks, neutralise

COLUMNS = (Column("Name", None, lambda row: row[0]), Column("Note", None, lambda row: row[1]))


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil.example","Click")', "+1", "-2", "@x", "\tx", "\rx", "  =1+1"],
)
def test_cells_a_spreadsheet_would_run_get_a_leading_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Zoë Ødegård", "a=b", "1-2", "", "mail@example.org"])
def test_other_cells_are_left_alone(value):
    assert neutralise(value) == value


def test_none_and_numbers_become_text():
    assert neutralise(None) == "" and neutralise(-3) == "'-3" and neutralise(4) == "4"


def _parse(text):
    return list(csv.reader(io.StringIO(text.removeprefix(BOM))))


def test_the_file_starts_with_a_bom_and_a_header_and_quotes_every_cell():
    text = "".join(csv_chunks(COLUMNS, [("Zoë, Jr.", 'said "hi"\nthen left')]))
    assert text.startswith(BOM + '"Name","Note"\r\n')
    assert _parse(text) == [["Name", "Note"], ["Zoë, Jr.", 'said "hi"\nthen left']]


def test_rows_are_sent_in_batches():
    chunks = list(csv_chunks(COLUMNS, ((str(n), "") for n in range(BATCH_SIZE * 2 + 1))))
    assert len(chunks) == 4  # the header, two full batches and the rest
    assert len(_parse("".join(chunks))) == BATCH_SIZE * 2 + 2


def test_a_lazily_translated_label_is_translated_once_per_file_whatever_its_class():
    """A status or role label is a lazy string (the app's are a subclass of Flask-Babel's):
    a file is written in one language, so each label is translated once, not on every row,
    and still reads as itself (a formula-like label neutralised)."""
    translated: list[str] = []

    def translate(text: str) -> str:
        translated.append(text)
        return text

    class AppLazy(LazyString):
        pass

    active, formula = AppLazy(translate, "active"), LazyString(translate, "=risky")
    rows = [(f"Person {n}", active if n % 2 else formula) for n in range(2 * BATCH_SIZE + 3)]
    parsed = _parse("".join(csv_chunks(COLUMNS, rows)))
    assert [row[1] for row in parsed[1:4]] == ["'=risky", "active", "'=risky"]
    assert len(parsed) == len(rows) + 1
    assert sorted(translated) == ["=risky", "active"]
