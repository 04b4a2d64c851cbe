"""Load scheme and framework definition files into the database as append-only revisions.

A row is identified by (code, version, revision) and its rules and English wording are never
updated: a file whose digest (rules and English) matches the latest revision is unchanged; any
other content is inserted as the next revision, so enrolments keep the exact rules they were
made on. The wording's other languages are not rules: new or corrected ones update the latest
revision's `translations` in place (audited, before and after). A load is all-or-nothing: every
file is read and checked (including references between files) before anything is written.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

from app.extensions import db
from app.models import Element, Framework, Principle, Requirement, Scheme, Stage, User
from app.models.scheme_text import LocalText, forget_scheme_texts
from app.services.audit import record
from app.services.schemes.catalogue import latest_framework, latest_scheme, latest_schemes
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
    "NEW",
    "NEW_REVISION",
    "REQUIREMENT_KINDS",
    "TRANSLATED",
    "UNCHANGED",
    "LoadReport",
    "LoadedDefinition",
    "latest_framework",
    "latest_scheme",
    "latest_schemes",
    "load_definitions",
]

NEW = "new"
NEW_REVISION = "new revision"
TRANSLATED = "translations updated"
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
        return [item for item in self.items if item.status in (NEW, NEW_REVISION)]

    @property
    def translated(self) -> list[LoadedDefinition]:
        """The entries whose latest revision's translations were updated in place."""
        return [item for item in self.items if item.status == TRANSLATED]

    def lines(self) -> list[str]:
        """Printable lines, one per file, then a summary."""
        loaded, translated = len(self.changed), len(self.translated)
        unchanged = len(self.items) - loaded - translated
        updated = f"{translated} with translations updated, " if translated else ""
        summary = f"{loaded} loaded, {updated}{unchanged} unchanged."
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
    if report.translated:
        forget_scheme_texts()
    return report


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
        return _same_rules(actor, definition, latest)
    # Wording as LocalText: rows made in this session read like rows read back (scheme_text).
    framework = Framework(
        code=model.code,
        version=model.version,
        revision=latest.revision + 1 if latest is not None else 1,
        title=LocalText(model.title),
        digest=definition.digest,
        source_file=definition.file,
        translations=_copy(definition.translations),
        principles=[
            Principle(
                number=number,
                code=principle.code,
                name=LocalText(principle.name),
                description=LocalText(principle.description),
                elements=[
                    Element(number=n, code=element.code, text=LocalText(element.text))
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
            return _same_rules(actor, definition, latest)
        # Same file, but its framework has a newer revision: link new enrolments to that one.
        note = f"framework {framework.code} {framework.version} is now rev. {framework.revision}"
    scheme = Scheme(
        code=model.code,
        version=model.version,
        revision=latest.revision + 1 if latest is not None else 1,
        title=LocalText(model.title),
        body=LocalText(model.body),
        kind=model.scheme_kind,
        description=LocalText(model.description),
        offered=model.offered,
        framework=framework,
        expected_months=model.expected_months,
        certificate_validity_months=model.certificate_validity_months,
        film_retention_months=model.film_retention_months,
        assessor_grades=list(model.assessor_grades),
        digest=definition.digest,
        source_file=definition.file,
        translations=_copy(definition.translations),
    )
    stage_rows = [
        Stage(
            number=stage.number,
            title=LocalText(stage.title),
            description=LocalText(stage.description),
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
        label=LocalText(requirement.label),
        params=dict(requirement.params),
        stage=stage,
    )


def _same_rules(
    actor: User | None, definition: Definition, latest: Framework | Scheme
) -> LoadedDefinition:
    """A file with the latest revision's rules and English: unchanged, or new translations."""
    if latest.translations == definition.translations:
        return _entry(definition, latest.revision, UNCHANGED)
    before = {**_audit(latest), "translations": latest.translations}
    latest.translations = _copy(definition.translations)
    subject = "framework" if isinstance(latest, Framework) else "scheme"
    after = {**_audit(latest), "translations": latest.translations}
    record(actor, f"{subject}.translations_updated", subject, latest.id, before=before, after=after)
    return _entry(definition, latest.revision, TRANSLATED)


def _copy(translations: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The translations as a row keeps them (the parsed definition's are shared, never changed)."""
    return {language: dict(texts) for language, texts in translations.items()}


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
