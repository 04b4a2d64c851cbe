"""Asking for a portfolio: answered from the cache when the evidence is unchanged, otherwise a
document is recorded as being prepared and a background job renders it."""

from datetime import date

from flask import current_app
from sqlalchemy import bindparam, select

from app.errors import RuleViolation
from app.extensions import db
from app.models import Enrolment, PortfolioDocument, PortfolioStatus, User
from app.models.base import utcnow
from app.services import audit
from app.services.portfolio.gather import digest_of, gather

RECENT = 5


def cached(enrolment: Enrolment, digest: str, language: str = "en") -> PortfolioDocument | None:
    """The newest document of this exact state of the evidence, in this language, that is ready
    or on its way."""
    return db.session.scalars(
        select(PortfolioDocument)
        .where(
            PortfolioDocument.enrolment_id == enrolment.id,
            PortfolioDocument.inputs_digest == digest,
            PortfolioDocument.language == language,
            PortfolioDocument.status != PortfolioStatus.FAILED,
        )
        .order_by(PortfolioDocument.id.desc())
        .limit(1)
    ).first()


def request_portfolio(
    actor: User, enrolment: Enrolment, today: date, language: str = "en"
) -> tuple[PortfolioDocument, bool]:
    """The portfolio of the evidence as it is now, in `language` (one offered: LANGUAGES), and
    whether a job must still render it."""
    if language not in current_app.config["LANGUAGES"]:
        raise RuleViolation("Choose one of the languages offered.", "language")
    digest = digest_of(gather(enrolment, today))
    document = cached(enrolment, digest, language)
    if document is not None:
        return document, False
    document = PortfolioDocument(
        enrolment=enrolment,
        inputs_digest=digest,
        language=language,
        status=PortfolioStatus.PREPARING,
        requested_by=actor,
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        actor,
        "portfolio.requested",
        "portfolio",
        document.id,
        after={"digest": digest, "language": language},
    )
    return document, True


_OF_ENROLMENT = (  # built once: the enrolment page runs it on every view
    select(PortfolioDocument)
    .where(PortfolioDocument.enrolment_id == bindparam("enrolment_id"))
    .order_by(PortfolioDocument.id.desc())
    .limit(bindparam("limit"))
)


def documents_of(enrolment: Enrolment, limit: int = RECENT) -> list[PortfolioDocument]:
    """The enrolment's most recent portfolio documents, newest first."""
    found = db.session.scalars(_OF_ENROLMENT, {"enrolment_id": enrolment.id, "limit": limit})
    return list(found)


def record_rendered(document: PortfolioDocument, pdf: bytes, pages: int, digest: str) -> None:
    """Keep the rendered file under the digest of the data it was rendered from."""
    document.pdf, document.pages, document.size_bytes = pdf, pages, len(pdf)
    document.inputs_digest = digest
    document.status, document.finished_at, document.error = PortfolioStatus.READY, utcnow(), ""
    db.session.flush()
    audit.record(
        None,
        "portfolio.generated",
        "portfolio",
        document.id,
        after={"digest": digest, "pages": pages, "bytes": len(pdf)},
    )


def record_failure(document: PortfolioDocument, error: str) -> None:
    """Mark a document as failed so that asking again starts afresh."""
    document.status, document.finished_at = PortfolioStatus.FAILED, utcnow()
    document.error = error[:500]
    db.session.flush()
    audit.record(None, "portfolio.failed", "portfolio", document.id, after={"error": error[:200]})
