"""What a stage sign-off covers: its evidence, fingerprinted and locked.

Each covered object gets a SHA-256 of a canonical JSON of its fields; the sign-off's digest is
the SHA-256 of the sorted list of (type, id, object hash). Re-computing later says whether the
evidence still matches, and which objects changed.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from sqlalchemy import delete, select

from app.errors import RuleViolation
from app.extensions import db
from app.models import (
    Case,
    Cycle,
    EnrolmentStage,
    EvidenceLock,
    Film,
    MeetingStatus,
    Milestone,
    Moment,
    Rating,
    Reflection,
    StageMeeting,
    SupervisionSession,
)
from app.services.progress.evaluate import EnrolmentProgress

MODELS: dict[str, type] = {
    "case": Case,
    "cycle": Cycle,
    "film": Film,
    "moment": Moment,
    "session": SupervisionSession,
    "milestone": Milestone,
    "reflection": Reflection,
    "rating": Rating,
}
FIELDS: dict[str, tuple[str, ...]] = {
    "case": ("code", "label", "setting", "helping_question", "goals", "started_on", "ended_on"),
    "cycle": (
        "case_id",
        "filmed_on",
        "micro_analysis_done",
        "shared_review_on",
        "review_filmed",
        "notes",
    ),
    "film": ("cycle_id", "kind", "recorded_on", "length_seconds", "kept_at", "consent_id"),
    "moment": ("film_id", "start_ms", "end_ms", "principle_id", "element_id", "note", "author_id"),
    "session": (
        "supervisor_id",
        "held_on",
        "minutes",
        "group",
        "online",
        "filmed",
        "status",
        "reflection_before",
        "reflection_after",
        "next_steps",
        "supervisor_reflection",
        "supervisor_feedback",
    ),
    "milestone": ("kind", "subtype", "occurred_on", "title", "notes"),
    "reflection": ("written_on", "title", "body", "private"),
    "rating": ("kind", "rater_id", "principle_id", "element_id", "score", "comment", "rated_on"),
}
ACTIVE = (MeetingStatus.PASSED, MeetingStatus.RATIFIED)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def object_hash(kind: str, obj: object) -> str:
    """The fingerprint of one piece of evidence."""
    fields = {name: _plain(getattr(obj, name)) for name in FIELDS[kind]}
    data = json.dumps([kind, obj.id, fields], sort_keys=True, ensure_ascii=False)  # type: ignore[attr-defined]
    return hashlib.sha256(data.encode()).hexdigest()


def digest_of(covered: Iterable[list[Any]]) -> str:
    """The sign-off's digest over (type, id, object hash) triples."""
    data = json.dumps(sorted(covered), separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()


def _refs(progress: EnrolmentProgress, stage_id: int) -> set[tuple[str, int]]:
    return {
        (ref.type, ref.id)
        for stage in progress.stages
        if stage.stage_id == stage_id
        for req in stage.requirements
        for ref in req.evidence
        if ref.type in MODELS
    }


def covered_evidence(
    enrolment_stage: EnrolmentStage, progress: EnrolmentProgress
) -> list[list[Any]]:
    """The evidence a sign-off of this stage covers, each with its fingerprint.

    What counted for the stage (cycles, cases, sessions, milestones), the films and moments of
    those cycles, shared reflections about any of them, and the stage's ratings."""
    refs = _refs(progress, enrolment_stage.stage_id)
    cycle_ids = [i for kind, i in refs if kind == "cycle"]
    films = db.session.scalars(select(Film).where(Film.cycle_id.in_(cycle_ids))).all()
    refs |= {("film", f.id) for f in films}
    refs |= {("moment", m.id) for f in films for m in f.moments}
    about = {kind: [i for k, i in refs if k == kind] for kind in ("case", "cycle", "session")}
    reflections = db.session.scalars(
        select(Reflection).where(
            Reflection.private.is_(False),
            Reflection.case_id.in_(about["case"])
            | Reflection.cycle_id.in_(about["cycle"])
            | Reflection.session_id.in_(about["session"]),
        )
    ).all()
    refs |= {("reflection", r.id) for r in reflections}
    ratings = db.session.scalars(
        select(Rating.id).where(Rating.enrolment_stage_id == enrolment_stage.id)
    ).all()
    refs |= {("rating", i) for i in ratings}
    covered: list[list[Any]] = []
    for kind, object_id in sorted(refs):
        obj = db.session.get(MODELS[kind], object_id)
        if obj is not None:
            covered.append([kind, object_id, object_hash(kind, obj)])
    return covered


def lock(meeting: StageMeeting, covered: list[list[Any]]) -> None:
    """Lock every covered piece of evidence under this meeting."""
    for kind, object_id, _hash in covered:
        db.session.add(EvidenceLock(meeting=meeting, evidence_type=kind, evidence_id=object_id))
    db.session.flush()


def unlock(meeting: StageMeeting) -> None:
    """Release the meeting's locks (its covered list and digest stay on record)."""
    db.session.execute(delete(EvidenceLock).where(EvidenceLock.meeting_id == meeting.id))
    db.session.flush()


def kind_of(obj: object) -> str:
    """The evidence type name of a model instance."""
    for kind, model in MODELS.items():
        if isinstance(obj, model):
            return kind
    raise TypeError(f"{type(obj).__name__} is not evidence")


def lock_on(obj: object) -> StageMeeting | None:
    """The sign-off that locks this piece of evidence, if any."""
    object_id: int = getattr(obj, "id")  # noqa: B009 (every evidence model has an id)
    found = db.session.scalars(
        select(EvidenceLock).where(
            EvidenceLock.evidence_type == kind_of(obj), EvidenceLock.evidence_id == object_id
        )
    ).first()
    return found.meeting if found is not None else None


def ensure_unlocked(*objects: object) -> None:
    """Refuse any change to evidence a sign-off covers."""
    for obj in objects:
        meeting = lock_on(obj)
        if meeting is not None:
            raise RuleViolation(
                "Locked: this counted for stage %(number)s, signed off on %(day)s.",
                number=meeting.enrolment_stage.stage.number,
                day=meeting.outcome_at or "?",
            )


@dataclass(frozen=True)
class DigestCheck:
    """Whether a sign-off's evidence still matches what was signed."""

    matches: bool
    changed: tuple[tuple[str, int], ...]
    missing: tuple[tuple[str, int], ...]


def check_digest(meeting: StageMeeting) -> DigestCheck:
    """Re-compute every covered object's fingerprint and the digest."""
    changed: list[tuple[str, int]] = []
    missing: list[tuple[str, int]] = []
    for kind, object_id, recorded in meeting.covered:
        obj = db.session.get(MODELS[kind], object_id)
        if obj is None:
            missing.append((kind, object_id))
        elif object_hash(kind, obj) != recorded:
            changed.append((kind, object_id))
    matches = not changed and not missing and digest_of(meeting.covered) == meeting.digest
    return DigestCheck(matches, tuple(changed), tuple(missing))
