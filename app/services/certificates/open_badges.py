"""Certificates as Open Badges 3.0 credentials, and the issuers' revocation lists.

A credential is the certificate as printed, in the OpenBadgeCredential shape of Open Badges 3.0
(on the W3C Verifiable Credentials 2.0 data model). Its status follows the 1EdTech Revocation
List Status Method: `credentialStatus` points at the issuer's public list of revoked credential
ids. The credentials carry no proof (signature): verifiers check them against the issuer's
addresses (the credential id, the revocation list and the public verification page).
"""

import hashlib
import re
import unicodedata
from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlalchemy import select

from app.extensions import db
from app.models import Certificate
from app.services.plain_text import without_bidi_controls

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
# Defines the 1EdTech extension types used below (1EdTechRevocationList, the schema validator).
EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CREDENTIAL_SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
    "ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
STATUS_TYPE = "1EdTechRevocationList"


class Urls(Protocol):
    """Absolute addresses of the public documents a credential refers to."""

    def credential(self, public_id: str) -> str:
        """The credential itself (its `id`)."""
        ...

    def issuer(self, issuer: str) -> str:
        """The issuer's Profile."""
        ...

    def revocations(self, issuer: str) -> str:
        """The issuer's revocation list."""
        ...

    def achievement(self, issuer: str, achievement: str) -> str:
        """The Achievement (a scheme version) an issuer awards."""
        ...

    def verify(self, number: str) -> str:
        """The public verification page of a printed certificate number."""
        ...

    def home(self) -> str:
        """A public page about the issuer (the `url` of its Profile)."""
        ...


def slug(text: str) -> str:
    """A stable URL segment for a name: ASCII letters and digits joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    made = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-")
    return made or hashlib.sha256(text.encode()).hexdigest()[:16]


def issuer_slug(certificate: Certificate) -> str:
    """The URL segment of a certificate's issuer."""
    return slug(certificate.body)


def achievement_slug(certificate: Certificate) -> str:
    """The URL segment of a certificate's scheme and version."""
    return slug(f"{certificate.scheme_title} {certificate.scheme_version}")


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _end_of(day: date) -> str:
    return f"{day.isoformat()}T23:59:59Z"  # valid through its last day, as verification says


def profile(body: str, urls: Urls) -> dict[str, Any]:
    """The issuer (the awarding association) as an Open Badges Profile."""
    return {"id": urls.issuer(slug(body)), "type": ["Profile"], "name": body, "url": urls.home()}


def achievement(certificate: Certificate, urls: Urls) -> dict[str, Any]:
    """What was achieved: accreditation under one scheme version, with its criteria."""
    return {
        "id": urls.achievement(slug(certificate.body), achievement_slug(certificate)),
        "type": ["Achievement"],
        "achievementType": "Certification",
        "name": certificate.scheme_title,
        "description": (
            f"{certificate.scheme_title}, version {certificate.scheme_version}, "
            f"awarded by {certificate.body}."
        ),
        "criteria": {
            "narrative": (
                f"Accreditation under the scheme “{certificate.scheme_title}”, version "
                f"{certificate.scheme_version}, of {certificate.body}: the practitioner worked "
                "through the scheme's stages under supervision, and the final stage was assessed "
                "at a sign-off meeting by a supervisor other than their own, then ratified."
            )
        },
        "version": certificate.scheme_version,
        "creator": profile(certificate.body, urls),
    }


def _evidence(certificate: Certificate, urls: Urls) -> dict[str, Any]:
    people = f"Assessor: {without_bidi_controls(certificate.assessor_name)}."
    if certificate.supervisor_name:
        people += f" Own supervisor: {without_bidi_controls(certificate.supervisor_name)}."
    return {
        "id": urls.verify(certificate.number),
        "type": ["Evidence"],
        "name": f"Certificate {certificate.number}: public verification record",
        "narrative": (
            f"Accredited on {certificate.accredited_on.isoformat()}. {people} "
            "SHA-256 digest of the evidence ratified at the final sign-off: "
            f"{certificate.evidence_digest}."
        ),
    }


def credential(certificate: Certificate, urls: Urls) -> dict[str, Any]:
    """The certificate as an (unsigned) OpenBadgeCredential, every printed field included."""
    issuer = profile(certificate.body, urls)
    # As printed on the certificate: a name never carries a direction override.
    holder = without_bidi_controls(certificate.holder_name)
    made: dict[str, Any] = {
        "@context": [*CONTEXT, EXTENSIONS_CONTEXT],
        "id": urls.credential(certificate.public_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.scheme_title,
        "description": (
            f"Certificate {certificate.number}: {holder} is accredited under "
            f"{certificate.scheme_title}, version {certificate.scheme_version}, "
            f"since {certificate.accredited_on.isoformat()}."
        ),
        "issuer": issuer,
        "validFrom": _timestamp(certificate.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            # The holder has no DID or other URI; the name as printed identifies them.
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": holder,
                }
            ],
            "achievement": achievement(certificate, urls),
        },
        "evidence": [_evidence(certificate, urls)],
        "credentialSchema": [CREDENTIAL_SCHEMA],
        "credentialStatus": {"id": urls.revocations(issuer_slug(certificate)), "type": STATUS_TYPE},
    }
    if certificate.expires_on is not None:
        made["validUntil"] = _end_of(certificate.expires_on)
    return made


def find_by_public_id(public_id: str) -> Certificate | None:
    """The certificate with this unguessable public id, if any."""
    return db.session.scalar(select(Certificate).where(Certificate.public_id == public_id[:40]))


def body_for(issuer: str) -> str | None:
    """The awarding body whose URL segment is `issuer`, if it has issued any certificate."""
    bodies = db.session.scalars(select(Certificate.body).distinct()).all()
    return next((body for body in sorted(bodies) if slug(body) == issuer), None)


def achievement_example(issuer: str, achievement_id: str) -> Certificate | None:
    """A certificate of this issuer's achievement (all of them describe it alike), if any."""
    body = body_for(issuer)
    if body is None:
        return None
    kinds = db.session.execute(
        select(Certificate.scheme_title, Certificate.scheme_version, Certificate.id)
        .where(Certificate.body == body)
        .order_by(Certificate.id)
    ).all()
    for title, version, certificate_id in kinds:
        if slug(f"{title} {version}") == achievement_id:
            return db.session.get(Certificate, certificate_id)
    return None


def standalone(document: dict[str, Any]) -> dict[str, Any]:
    """A Profile or Achievement served on its own, with the JSON-LD context it needs."""
    return {"@context": CONTEXT, **document}


def revocation_list(body: str, urls: Urls) -> dict[str, Any]:
    """The issuer's 1EdTech revocation list: the ids of its revoked credentials, with reasons.

    Only revoked certificates are listed: the method has no place for superseded ones, and
    nothing else about a certificate (its holder's name above all) is shown here.
    """
    revoked = db.session.scalars(
        select(Certificate)
        .where(Certificate.body == body, Certificate.revoked_at.is_not(None))
        .order_by(Certificate.revoked_at, Certificate.id)
    ).all()
    return {
        "id": urls.revocations(slug(body)),
        "issuer": urls.issuer(slug(body)),
        "revokedCredentials": [
            {
                "id": urls.credential(certificate.public_id),
                "revoked": True,
                "revocationReason": certificate.revoke_reason,
            }
            for certificate in revoked
        ],
    }
