"""Renewing certificates of schemes whose certificates expire (scheme `renewal:` requirements).

The rules
- Renewable: a current certificate (neither revoked nor superseded) with an expiry date, of an
  enrolment whose scheme has renewal requirements.
- Renewal period: the certificate's validity, both days included. It starts on `accredited_on`
  for the first certificate, and on the day after the expiry of the certificate it renewed for
  a renewed one; a re-issue (a name change, same expiry) keeps the period of the certificate it
  replaced. It ends on `expires_on`. Evidence dated in it counts, as the stage requirements count
  (`progress.evaluate_renewal`), and nothing dated after the day of the evaluation.
- Renewal window: from RENEWAL_OPENS_MONTHS calendar months before the expiry until
  GRACE_MONTHS after it (both days included). Before, there is time left to gather evidence;
  after, the practitioner has lapsed and is accredited again, not renewed.
- Renewing needs a coordinator and every requirement met; a refusal lists what is missing. The
  new certificate (new number) copies every printed field, keeps `accredited_on`, and expires
  `certificate_validity_months` after the old expiry (renewing early or in the grace period
  neither loses nor gains time). The old certificate says it is superseded by the new one.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from app.authz.actions import Action
from app.authz.rules import ensure
from app.errors import RuleViolation
from app.extensions import db
from app.models import Certificate, User
from app.phrase import Phrase
from app.services import audit, notifications
from app.services.certificates import issuing
from app.services.progress.evaluate import evaluate_renewal
from app.services.progress.rules import RequirementProgress
from app.services.progress.snapshots import load_snapshot

RENEWAL_OPENS_MONTHS = 6
GRACE_MONTHS = 3


@dataclass(frozen=True)
class RenewalPeriod:
    """The dates evidence for renewing a certificate is counted in (both included)."""

    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class RenewalProgress:
    """Where a certificate stands for renewal as of a day."""

    period: RenewalPeriod
    opens_on: date
    closes_on: date
    as_of: date
    requirements: tuple[RequirementProgress, ...]

    @property
    def all_met(self) -> bool:
        """Whether every renewal requirement is met."""
        return all(r.met for r in self.requirements)

    @property
    def missing(self) -> tuple[Phrase, ...]:
        """The unmet requirements, each with its count: "At least 10 cases (4 of 10)"."""
        return tuple(
            Phrase(
                "%(requirement)s (%(done)s of %(needed)s)",
                requirement=r.label,
                done=r.achieved,
                needed=r.required,
            )
            for r in self.requirements
            if not r.met
        )

    @property
    def window_open(self) -> bool:
        """Whether `as_of` falls in the renewal window."""
        return self.opens_on <= self.as_of <= self.closes_on


def renews(certificate: Certificate) -> bool:
    """Whether the certificate is of the kind that is renewed (it expires; renewal is defined)."""
    scheme = certificate.enrolment.scheme
    return (
        certificate.expires_on is not None
        and scheme.certificate_validity_months is not None
        and bool(scheme.renewal_requirements)
    )


def _replaced(certificate: Certificate) -> Certificate | None:
    """The certificate this one superseded, if any."""
    return db.session.scalars(
        select(Certificate).where(Certificate.superseded_by_id == certificate.id)
    ).first()


def renewal_period(certificate: Certificate) -> RenewalPeriod | None:
    """The certificate's renewal period; None when it is not renewed."""
    if not renews(certificate) or certificate.expires_on is None:
        return None
    starts_on = certificate.accredited_on
    earlier = _replaced(certificate)
    while earlier is not None:
        if earlier.expires_on is not None and earlier.expires_on != certificate.expires_on:
            starts_on = earlier.expires_on + timedelta(days=1)  # this one renewed `earlier`
            break
        earlier = _replaced(earlier)  # a re-issue: its period is the one it replaced
    return RenewalPeriod(starts_on, certificate.expires_on)


def renewal_progress(certificate: Certificate, today: date) -> RenewalProgress | None:
    """The renewal requirements evaluated over the period of a current certificate as of `today`
    (None for a revoked or superseded certificate, or one that is not renewed)."""
    if certificate.revoked_at is not None or certificate.superseded_by_id is not None:
        return None
    period = renewal_period(certificate)
    if period is None:
        return None
    snapshot = load_snapshot(certificate.enrolment, today)
    return RenewalProgress(
        period=period,
        opens_on=period.ends_on - relativedelta(months=RENEWAL_OPENS_MONTHS),
        closes_on=period.ends_on + relativedelta(months=GRACE_MONTHS),
        as_of=today,
        requirements=evaluate_renewal(snapshot, period.starts_on, period.ends_on),
    )


def _printed(certificate: Certificate) -> dict[str, Any]:
    return {
        "number": certificate.number,
        "holder_name": certificate.holder_name,
        "accredited_on": certificate.accredited_on,
        "expires_on": certificate.expires_on,
    }


def renew(actor: User, certificate: Certificate, today: date) -> Certificate:
    """A coordinator renews a current certificate whose renewal requirements are all met, in the
    renewal window: a new certificate supersedes it, valid for another validity period."""
    ensure(actor, Action.MANAGE_CERTIFICATES, refusal="Only a coordinator can do this.")
    certificate = issuing.lock(certificate)
    if certificate.revoked_at is not None or certificate.superseded_by_id is not None:
        raise RuleViolation("Only a current certificate can be renewed.")
    progress = renewal_progress(certificate, today)
    months = certificate.enrolment.scheme.certificate_validity_months
    if progress is None or months is None or certificate.expires_on is None:
        raise RuleViolation("Certificates of this scheme do not expire, so they are not renewed.")
    if today < progress.opens_on:
        raise RuleViolation(
            "Renewal opens on %(day)s, %(months)s months before the certificate expires.",
            day=progress.opens_on,
            months=RENEWAL_OPENS_MONTHS,
        )
    if today > progress.closes_on:
        raise RuleViolation(
            "Renewal closed on %(day)s, %(months)s months after the certificate expired; "
            "the practitioner needs to be accredited again.",
            day=progress.closes_on,
            months=GRACE_MONTHS,
        )
    if not progress.all_met:
        raise RuleViolation(
            "Not yet renewable, still missing: %(missing)s.", missing=progress.missing
        )
    expires_on = certificate.expires_on + relativedelta(months=months)
    renewed = issuing.supersede(actor, certificate, certificate.holder_name, expires_on)
    audit.record(
        actor,
        "certificate.renewed",
        "certificate",
        certificate.id,
        _printed(certificate),
        {
            **_printed(renewed),
            "period": [progress.period.starts_on, progress.period.ends_on],
            "achieved": {r.label: r.achieved for r in progress.requirements},
        },
    )
    notifications.notify(
        [certificate.enrolment.trainee],
        "certificate_renewed",
        Phrase(
            "Your certificate is renewed: %(new)s replaces %(old)s and is valid until %(day)s.",
            new=renewed.number,
            old=certificate.number,
            day=expires_on,
        ),
        notifications.link_to("certificates.show", certificate_id=renewed.id),
    )
    return renewed
