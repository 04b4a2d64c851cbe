"""Load scheme and framework definition files into the database as append-only revisions.

A row is identified by (code, version, revision) and never updated: a file whose content digest
matches the latest revision is unchanged; any other content is inserted as the next revision, so
enrolments keep the exact rules they were made on. A load is all-or-nothing: every file is read
and checked (including references between files) before anything is written.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, select

from app.extensions import db
from app.models import Element, Framework, Principle, Requirement, Scheme, Stage, User
from app.services.audit import record
from app.services.schemes.files import (
    REQUIREMENT_KINDS,
    Definition,
    Problem,
    SchemeFileError,
    definition_files,
    read_definitions,
)
from app.services.schemes.schema import FrameworkDef, RequirementDef, SchemeDef, iter_requirements

__all__ = [
    "REQUIREMENT_KINDS",
    "LoadReport",
    "LoadedDefinition",
    "latest_framework",
    "latest_scheme",
    "latest_schemes",
    "load_definitions",
]

NEW = "new"
NEW_REVISION = "new revision"
UNCHANGED = "unchanged"


@dataclass(frozen=True)
class LoadedDefinition:
    """What happened to one definition file in a load."""

    file: str
    kind: str
    code: str
    version: str
    revision: int
    status: str
    note: str = ""

    def line(self) -> str:
        """One line for the CLI."""
        note = f" ({self.note})" if self.note else ""
        what = f"{self.kind} {self.code} {self.version} rev. {self.revision}"
        return f"{self.file}: {what}: {self.status}{note}"


@dataclass
class LoadReport:
    """The outcome of a load, one entry per file, frameworks first."""

    items: list[LoadedDefinition] = field(default_factory=list)

    @property
    def changed(self) -> list[LoadedDefinition]:
        """The entries that inserted a row."""
        return [item for item in self.items if item.status != UNCHANGED]

    def lines(self) -> list[str]:
        """Printable lines, one per file, then a summary."""
        summary = f"{len(self.changed)} loaded, {len(self.items) - len(self.changed)} unchanged."
        return [item.line() for item in self.items] + [summary]


def load_definitions(actor: User | None, source: str | Path | Iterable[str | Path]) -> LoadReport:
    """Load every definition of a directory or list of files; add nothing if any is malformed."""
    definitions = read_definitions(definition_files(source))
    frameworks = [d for d in definitions if isinstance(d.model, FrameworkDef)]
    schemes = [d for d in definitions if isinstance(d.model, SchemeDef)]
    _check_references(frameworks, schemes)
    report = LoadReport()
    for definition in frameworks:
        report.items.append(_load_framework(actor, definition))
    for definition in schemes:
        report.items.append(_load_scheme(actor, definition))
    return report


def latest_framework(code: str, version: str) -> Framework | None:
    """The latest revision of a framework version, or None if it was never loaded."""
    return db.session.scalars(
        select(Framework)
        .where(Framework.code == code, Framework.version == version)
        .order_by(Framework.revision.desc())
        .limit(1)
    ).first()


def latest_scheme(code: str, version: str) -> Scheme | None:
    """The latest revision of a scheme version, or None if it was never loaded."""
    return db.session.scalars(
        select(Scheme)
        .where(Scheme.code == code, Scheme.version == version)
        .order_by(Scheme.revision.desc())
        .limit(1)
    ).first()


def latest_schemes() -> list[Scheme]:
    """The latest revision of every scheme version, offered ones first, then by title."""
    newest = (
        select(Scheme.code, Scheme.version, func.max(Scheme.revision).label("revision"))
        .group_by(Scheme.code, Scheme.version)
        .subquery()
    )
    same = and_(
        Scheme.code == newest.c.code,
        Scheme.version == newest.c.version,
        Scheme.revision == newest.c.revision,
    )
    return list(
        db.session.scalars(
            select(Scheme)
            .join(newest, same)
            .order_by(Scheme.offered.desc(), Scheme.title, Scheme.version.desc(), Scheme.code)
        )
    )


def _check_references(frameworks: list[Definition], schemes: list[Definition]) -> None:
    """Refuse duplicates within the load, unknown frameworks and unknown principles."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str], str] = {}
    for definition in (*frameworks, *schemes):
        model = definition.model
        key = (model.kind, model.code, model.version)
        if key in seen:
            message = f"{model.code} {model.version} is also defined in {seen[key]}"
            problems.append(definition.problem(("version",), message))
        seen.setdefault(key, definition.file)
    principles = {
        (d.model.code, d.model.version): {p.code for p in d.model.principles}
        for d in frameworks
        if isinstance(d.model, FrameworkDef)
    }
    for definition in schemes:
        assert isinstance(definition.model, SchemeDef)
        problems.extend(_scheme_reference_problems(definition, definition.model, principles))
    if problems:
        raise SchemeFileError(problems)


def _scheme_reference_problems(
    definition: Definition, scheme: SchemeDef, loading: dict[tuple[str, str], set[str]]
) -> list[Problem]:
    ref = (scheme.framework.code, scheme.framework.version)
    codes = loading.get(ref)
    if codes is None:
        stored = latest_framework(*ref)
        if stored is None:
            message = (
                f"framework {ref[0]} {ref[1]} has not been loaded and is not part of this load"
            )
            return [definition.problem(("framework",), message)]
        codes = {p.code for p in stored.principles}
    problems = []
    for loc, _stage, requirement in iter_requirements(scheme):
        principle = requirement.params.get("principle")
        if requirement.kind == "competency" and principle not in codes:
            message = f"no principle {principle!r} in framework {ref[0]} {ref[1]}"
            problems.append(definition.problem((*loc, "params", "principle"), message))
    return problems


def _load_framework(actor: User | None, definition: Definition) -> LoadedDefinition:
    model = definition.model
    assert isinstance(model, FrameworkDef)
    latest = latest_framework(model.code, model.version)
    if latest is not None and latest.digest == definition.digest:
        return _entry(definition, latest.revision, UNCHANGED)
    framework = Framework(
        code=model.code,
        version=model.version,
        revision=latest.revision + 1 if latest is not None else 1,
        title=model.title,
        digest=definition.digest,
        source_file=definition.file,
        principles=[
            Principle(
                number=number,
                code=principle.code,
                name=principle.name,
                description=principle.description,
                elements=[
                    Element(number=n, code=element.code, text=element.text)
                    for n, element in enumerate(principle.elements, start=1)
                ],
            )
            for number, principle in enumerate(model.principles, start=1)
        ],
    )
    db.session.add(framework)
    db.session.flush()
    record(actor, "framework.loaded", "framework", framework.id, after=_audit(framework))
    return _entry(definition, framework.revision, NEW if latest is None else NEW_REVISION)


def _load_scheme(actor: User | None, definition: Definition) -> LoadedDefinition:
    model = definition.model
    assert isinstance(model, SchemeDef)
    framework = latest_framework(model.framework.code, model.framework.version)
    assert framework is not None  # checked by _check_references
    latest = latest_scheme(model.code, model.version)
    note = ""
    if latest is not None and latest.digest == definition.digest:
        if latest.framework_id == framework.id:
            return _entry(definition, latest.revision, UNCHANGED)
        # Same file, but its framework has a newer revision: link new enrolments to that one.
        note = f"framework {framework.code} {framework.version} is now rev. {framework.revision}"
    scheme = Scheme(
        code=model.code,
        version=model.version,
        revision=latest.revision + 1 if latest is not None else 1,
        title=model.title,
        body=model.body,
        kind=model.scheme_kind,
        description=model.description,
        offered=model.offered,
        framework=framework,
        expected_months=model.expected_months,
        certificate_validity_months=model.certificate_validity_months,
        film_retention_months=model.film_retention_months,
        assessor_grades=list(model.assessor_grades),
        digest=definition.digest,
        source_file=definition.file,
    )
    stage_rows = [
        Stage(
            number=stage.number,
            title=stage.title,
            description=stage.description,
            ends_with=stage.ends_with,
            typical_months=stage.typical_months,
        )
        for stage in model.stages
    ]
    scheme.stages = stage_rows
    positions = count(1)
    scheme.requirements = [
        _requirement(requirement, next(positions), row)
        for row, stage in zip(stage_rows, model.stages, strict=True)
        for requirement in stage.requirements
    ] + [_requirement(requirement, next(positions), None) for requirement in model.renewal]
    db.session.add(scheme)
    db.session.flush()
    record(actor, "scheme.loaded", "scheme", scheme.id, after=_audit(scheme))
    status = NEW if latest is None else NEW_REVISION
    return _entry(definition, scheme.revision, status, note)


def _requirement(requirement: RequirementDef, position: int, stage: Stage | None) -> Requirement:
    return Requirement(
        position=position,
        kind=requirement.kind,
        amount=requirement.amount,
        label=requirement.label,
        params=dict(requirement.params),
        stage=stage,
    )


def _audit(row: Framework | Scheme) -> dict[str, Any]:
    return {
        "code": row.code,
        "version": row.version,
        "revision": row.revision,
        "digest": row.digest,
        "source_file": row.source_file,
    }


def _entry(definition: Definition, revision: int, status: str, note: str = "") -> LoadedDefinition:
    model = definition.model
    return LoadedDefinition(
        definition.file, model.kind, model.code, model.version, revision, status, note
    )
