"""Attune's administrative commands for `flask --app wsgi`."""

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app import jobs
from app.documents.signing import create_issuer_key
from app.errors import RuleViolation
from app.extensions import db
from app.films.clip_commands import clips_group
from app.mail import notifications as notify_mail
from app.mail.account_messages import send_invitation
from app.models import Role, StageMeeting, SupervisorGrade
from app.models.base import utcnow
from app.retention.commands import retention_group
from app.services import notifications
from app.services.audit_chain import verify_chain
from app.services.coordination.overdue import overdue_lines
from app.services.demo import people as demo
from app.services.evidence import locks
from app.services.people import directory as people
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import latest_schemes, load_definitions

ROLE_CHOICE = click.Choice([r.value for r in Role])
GRADE_CHOICE = click.Choice([g.value for g in SupervisorGrade])


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=ROLE_CHOICE,
    help="A role to give (repeat for several).",
)
@click.option("--name", default=None, help="Display name (default: the part before @).")
@click.option("--grade", type=GRADE_CHOICE, default=None, help="Supervisor grade.")
@click.option("--password", default=None, help="Set this password; without it an invite is sent.")
@with_appcontext
def create_user(
    email: str, roles: tuple[str, ...], name: str | None, grade: str | None, password: str | None
) -> None:
    """Create a person with roles; without --password, e-mail them an invitation."""
    role_set = {Role(r) for r in roles}
    grade_value = (
        SupervisorGrade(grade)
        if grade
        else (SupervisorGrade.SUPERVISOR if Role.SUPERVISOR in role_set else None)
    )
    display_name = name or email.split("@")[0]
    try:
        if password is not None:
            user = people.create_person(None, email, display_name, role_set, grade_value, password)
            raw = None
        else:
            lifetime = timedelta(hours=current_app.config["INVITE_VALID_HOURS"])
            user, raw = people.invite_person(
                None, email, display_name, role_set, grade_value, lifetime
            )
    except RuleViolation as error:
        db.session.rollback()
        raise click.ClickException(f"{error.field or 'error'}: {error.message}") from error
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(sorted(r.value for r in user.roles))}).")
    if raw is not None:
        sent = send_invitation(user, raw, None)
        click.echo("Invitation sent." if sent else "The invitation e-mail could not be sent.")


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Allow seeding outside development and test.")
@with_appcontext
def seed_demo(force: bool) -> None:
    """Load schemes and demo data (idempotent); print ROLE EMAIL PASSWORD and certificates."""
    if current_app.config["ATTUNE_ENV"] == "production" and not force:
        raise click.ClickException("Refusing to add demo accounts in production (use --force).")
    load_definitions(None, default_schemes_dir())
    result = demo.seed_demo(utcnow().date())
    db.session.commit()
    # E-mail what seeding notified now (in development: print it), so that the demo accounts
    # are the last lines printed, not buried under these messages at the first sign-in.
    notify_mail.deliver_immediate()
    for account in result.accounts:
        click.echo(f"{account.role.value} {account.email} {account.password}")
    for number, status in result.certificates:
        click.echo(f"CERTIFICATE {number} {status}")


@click.group("schemes")
def schemes_group() -> None:
    """Scheme and framework definitions."""


@schemes_group.command("load")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@with_appcontext
def load_schemes(path: Path | None) -> None:
    """Load or update definitions (default: app/schemes); a change makes a new revision."""
    try:
        report = load_definitions(None, path or default_schemes_dir())
    except RuleViolation as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    for line in report.lines():
        click.echo(line)


@schemes_group.command("list")
@with_appcontext
def list_schemes() -> None:
    """List the latest revision of every scheme version."""
    for scheme in latest_schemes():
        offered = "offered" if scheme.offered else "not offered"
        click.echo(
            f"{scheme.code} {scheme.version} rev {scheme.revision}: {scheme.title} ({offered})"
        )


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit log."""


@audit_group.command("verify")
@with_appcontext
def verify_audit() -> None:
    """Check the whole hash chain; exit non-zero naming the first broken entry."""
    check = verify_chain()
    if not check.holds:
        click.echo(f"BROKEN at audit entry #{check.broken_at}: {check.reason}.", err=True)
        raise SystemExit(1)
    redacted = f" ({check.redacted} redacted by erasures)" if check.redacted else ""
    click.echo(f"The audit chain holds: {check.entries} entries verified{redacted}.")


@click.group("notifications")
def notifications_group() -> None:
    """E-mail about what waits for people."""


@notifications_group.command("send-digest")
@click.option(
    "--day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day the digest is for, YYYY-MM-DD (default: today in DEFAULT_TIMEZONE).",
)
@with_appcontext
def send_digest(day: datetime | None) -> None:
    """Send the daily digest to everyone who chose it; safe to run more than once a day."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    chosen: date = day.date() if day is not None else datetime.now(zone).date()
    late = overdue_lines(chosen, current_app.config["DIGEST_WAIT_DAYS"])
    sent = notify_mail.send_daily_digests(chosen, late)
    click.echo(f"Sent {sent} digest(s) for {chosen.isoformat()}.")
    left = len(notifications.digest_candidates(chosen))
    if left:
        click.echo(f"{left} digest(s) could not be sent; run the command again.", err=True)
        raise SystemExit(1)


@notifications_group.command("deliver")
@with_appcontext
def deliver() -> None:
    """Send pending immediate notifications."""
    sent = notify_mail.deliver_immediate()
    click.echo(f"Sent {sent} notification e-mail(s).")
    left = len(notifications.pending_immediate())
    db.session.rollback()  # release the rows pending_immediate locked
    if left:
        click.echo(f"{left} could not be sent; they are tried again next time.", err=True)
        raise SystemExit(1)


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs (portfolio PDFs)."""


@jobs_group.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
@with_appcontext
def jobs_worker(burst: bool) -> None:
    """Work the RQ queue at REDIS_URL; run one or more beside the web servers."""
    if current_app.config["JOBS_BACKEND"] != "rq":
        raise click.UsageError(
            "Set REDIS_URL to use a queue; without it the web process runs jobs in a thread."
        )
    jobs.work(current_app._get_current_object(), burst=burst)  # type: ignore[attr-defined]


@click.group("signoff")
def signoff_group() -> None:
    """Stage sign-offs and the evidence they cover."""


@signoff_group.command("verify")
@click.argument("meeting_id", required=False, type=int)
@with_appcontext
def verify_signoffs(meeting_id: int | None) -> None:
    """Re-compute each sign-off's digest; exit non-zero if any evidence no longer matches."""
    query = select(StageMeeting).where(StageMeeting.digest.is_not(None)).order_by(StageMeeting.id)
    if meeting_id is not None:
        query = query.where(StageMeeting.id == meeting_id)
    broken = 0
    for meeting in db.session.scalars(query):
        check = locks.check_digest(meeting)
        if check.matches:
            click.echo(f"meeting #{meeting.id}: matches ({len(meeting.covered)} items)")
            continue
        broken += 1
        what = ", ".join(f"{kind} #{i} changed" for kind, i in check.changed)
        what += ", ".join(f"{kind} #{i} missing" for kind, i in check.missing)
        click.echo(f"meeting #{meeting.id}: DOES NOT MATCH: {what or 'digest altered'}", err=True)
    if broken:
        raise SystemExit(1)


@click.group("certificates")
def certificates_group() -> None:
    """Certificates and the key that signs their PDFs."""


@certificates_group.command("create-issuer-key")
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path),
    default=None,
    help="Where to write issuer-key.pem and issuer-cert.pem (default: instance/).",
)
@click.option("--name", default="Attune demo issuer (self-signed)", help="Certificate name.")
@click.option("--if-missing", is_flag=True, help="Do nothing when the files already exist.")
@with_appcontext
def create_issuer_key_command(directory: Path | None, name: str, if_missing: bool) -> None:
    """Create a self-signed issuer key for development and the demo (not for production)."""
    target = directory or Path(current_app.instance_path)
    if if_missing and (target / "issuer-key.pem").exists():
        click.echo(f"Issuer key already in {target}.")
        return
    key, cert = create_issuer_key(target, name)
    click.echo(f"ISSUER_KEY_FILE={key}\nISSUER_CERT_FILE={cert}")


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (
        create_user,
        seed_demo,
        schemes_group,
        audit_group,
        signoff_group,
        notifications_group,
        certificates_group,
        jobs_group,
        retention_group,
        clips_group,
    ):
        app.cli.add_command(command)
