"""Migration 0010 keys the cohorts that exist; names the old check let through as different
("Ωμέγα" and "ωμέγα") are told apart by a number, and going down and up again works."""

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from flask import Flask
from sqlalchemy import text

from app.extensions import db
from tests.builders.migration_database import database_at, migrate

VERSIONS = Path(__file__).parent.parent / "migrations" / "versions"
TARGET = "0010_cohort_name_key"


def _revision() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cohort_0010", VERSIONS / f"{TARGET}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BEFORE = _revision().down_revision


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a database of its own at the revision before."""
    with database_at(BEFORE, tmp_path) as application:
        yield application


def _add(names: list[str]) -> None:
    for n, name in enumerate(names, start=1):
        db.session.execute(
            text(
                "INSERT INTO cohorts (id, name, kind, description, created_at) "
                "VALUES (:id, :name, 'course', '', :at)"
            ),
            {"id": n, "name": name, "at": f"2026-11-2{n} 09:00:00+00:00"},
        )
    db.session.commit()


def _rows() -> list[tuple[int, str, str]]:
    return [
        tuple(row)
        for row in db.session.execute(text("SELECT id, name, name_key FROM cohorts ORDER BY id"))
    ]


def test_existing_cohorts_get_their_key_and_case_twins_a_number(app):
    _add(["Ωμέγα", "Leeds", "ωμέγα", "ΩΜΈΓΑ", "Ωμέγα (2)x"])
    migrate(TARGET)
    assert _rows() == [
        (1, "Ωμέγα", "ωμέγα"),
        (2, "Leeds", "leeds"),
        (3, "ωμέγα (2)", "ωμέγα (2)"),
        (4, "ΩΜΈΓΑ (3)", "ωμέγα (3)"),
        (5, "Ωμέγα (2)x", "ωμέγα (2)x"),
    ]


def test_the_key_is_unique_after_the_upgrade_and_names_are_before_it(app):
    _add(["Leeds"])
    migrate(TARGET)
    with pytest.raises(Exception, match=r"(?i)unique"):
        db.session.execute(
            text(
                "INSERT INTO cohorts (id, name, name_key, kind, description, created_at) "
                "VALUES (2, 'LEEDS', 'leeds', 'course', '', '2026-11-30 09:00:00+00:00')"
            )
        )
    db.session.rollback()
    migrate(BEFORE, down=True)
    assert [row.name for row in db.session.execute(text("SELECT name FROM cohorts"))] == ["Leeds"]
    migrate(TARGET)
    assert _rows() == [(1, "Leeds", "leeds")]
