"""`flask --app wsgi clips ...`: the key-encryption keys clips are sealed under, and moving
clips between the local folder and object storage."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.services.evidence import clip_moves
from app.storage import clip_storage, store_from_settings
from app.storage.keys import new_key_line


@click.group("clips")
def clips_group() -> None:
    """Clip storage: keys, moving between stores, unfinished uploads."""


@clips_group.command("create-key")
@click.option("--id", "key_id", default=None, help="The new key's id (default: k + today).")
@click.option("--if-missing", is_flag=True, help="Do nothing when the key file has a key.")
@with_appcontext
def create_key(key_id: str | None, if_missing: bool) -> None:
    """Add a new key-encryption key to CLIP_KEY_FILE (created, readable by its owner only);
    new clips are sealed under it once the servers restart. Then run `clips rotate-key`."""
    path = Path(current_app.config["CLIP_KEY_FILE"])
    if if_missing and path.exists() and path.read_text().strip():
        click.echo(f"Clip keys already in {path}.")
        return
    line = new_key_line(key_id or f"k{datetime.now(UTC):%Y%m%d%H%M%S}")
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a") as keys:
        keys.write(line)
    click.echo(f"Added key {line.split()[0]} to {path}.")


@clips_group.command("migrate")
@click.option("--to", "target", type=click.Choice(["s3", "local"]), required=True)
@with_appcontext
def migrate(target: str) -> None:
    """Move every clip into the store `--to` (as configured by the CLIP_S3_* settings or
    CLIP_STORAGE_DIR), sealing plain ones; each is verified by digest before the old copy is
    deleted. Safe to stop and run again; exits non-zero if any clip failed."""
    run = clip_moves.move_clips(
        clip_storage(), store_from_settings(current_app.config, target), click.echo
    )
    click.echo(
        f"Moved {len(run.moved)} clip(s) to {target}; {len(run.changed_meanwhile)} changed "
        f"meanwhile; {len(run.failed)} failed."
    )
    if run.failed:
        raise SystemExit(1)


@clips_group.command("rotate-key")
@with_appcontext
def rotate_key() -> None:
    """Re-wrap every clip's data key under the current key-encryption key (no footage is
    re-uploaded); afterwards older keys may leave the key file."""
    done = clip_moves.rotate_keys(clip_storage(), click.echo)
    click.echo(f"Re-wrapped {done} data key(s) under {clip_storage().keys().current}.")


@clips_group.command("abort-abandoned")
@click.option("--hours", default=24, show_default=True, help="Uploads begun this long ago.")
@with_appcontext
def abort_abandoned(hours: int) -> None:
    """Remove what uploads a server was killed in the middle of left behind: multipart uploads
    in object storage, partial files in a folder."""
    aborted = clip_storage().store.abort_abandoned(timedelta(hours=hours))
    click.echo(f"Aborted {aborted} unfinished upload(s).")
