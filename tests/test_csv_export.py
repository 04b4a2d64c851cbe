"""The CSV writer: byte-order mark, header, quoting, batching and formula neutralising."""

import csv
import io

import pytest

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
