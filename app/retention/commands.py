"""`flask --app wsgi retention delete-due`, for cron."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.services.privacy import retention
from app.storage import clip_storage


@click.group("retention")
def retention_group() -> None:
    """Film retention: deleting clips on schedule."""


@retention_group.command("delete-due")
@click.option(
    "--day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to apply the rules for, YYYY-MM-DD (default: today in DEFAULT_TIMEZONE).",
)
@with_appcontext
def delete_due(day: datetime | None) -> None:
    """Delete the clips due for deletion and tell their trainees; exit non-zero on failures."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    chosen: date = day.date() if day is not None else datetime.now(zone).date()
    run = retention.delete_due(chosen, clip_storage())
    db.session.commit()
    for due in run.deleted:
        click.echo(
            f"deleted clip of film #{due.film.id} (case {due.film.cycle.case.code}): "
            f"{due.rule}, due since {due.due_since.isoformat()}"
        )
    click.echo(f"Deleted {len(run.deleted)} clip(s) due on {chosen.isoformat()}.")
    for due, error in run.failed:
        click.echo(
            f"FAILED film #{due.film.id} (case {due.film.cycle.case.code}): {error}", err=True
        )
    if run.failed:
        click.echo(
            f"{len(run.failed)} clip(s) could not be deleted; they are tried again next time.",
            err=True,
        )
        raise SystemExit(1)
