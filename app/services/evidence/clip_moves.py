"""Moving clips between stores and re-wrapping their keys, one clip at a time, each step safe
to stop: a clip is copied, sealed, read back and checked by digest before its film points at
the copy, and the old copy goes only after that is committed. A film whose clip changed
meanwhile (replaced or deleted by a person) keeps the person's change; the copy is dropped."""

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import or_, select, update

from app.extensions import db
from app.models import Film
from app.services import audit
from app.services.evidence.clips import stored
from app.storage import ClipStorage, StoredClip
from app.storage.sealing import Readable
from app.storage.stores import ByteStore

BLOCK = 1024 * 1024


@dataclass
class MoveRun:
    """What a run did: films moved, films skipped because a person changed them meanwhile, and
    films that failed (with why); the rest are untouched and a second run takes them."""

    moved: list[int] = field(default_factory=list)
    changed_meanwhile: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)


class _Digesting:
    """A stream that hashes what is read through it."""

    def __init__(self, source: Readable) -> None:
        self.source, self.hash = source, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.hash.update(data)
        return data


def digest(storage: ClipStorage, clip: StoredClip) -> str:
    """The SHA-256 of a stored clip's plain bytes, read a block at a time."""
    reader, found = storage.open(clip), hashlib.sha256()
    while block := reader.read(BLOCK):
        found.update(block)
    return found.hexdigest()


def _films_to_move(target: str) -> Iterator[Film]:
    """Films whose clip is not yet sealed in `target`, by id (one at a time: a run may be long
    and stop anywhere)."""
    last = 0
    while True:
        film = db.session.scalars(
            select(Film)
            .where(
                Film.id > last,
                Film.clip_key.is_not(None),
                Film.clip_deleted_at.is_(None),
                or_(
                    Film.clip_store != target, Film.clip_store.is_(None), Film.clip_key_id.is_(None)
                ),
            )
            .order_by(Film.id)
            .limit(1)
        ).first()
        if film is None:
            return
        last = film.id
        yield film


def move_clips(
    storage: ClipStorage, target: ByteStore, say: Callable[[str], None] = lambda _: None
) -> MoveRun:
    """Seal every clip into `target` (plain clips are sealed on the way), verified by digest,
    then delete the old copy. Commits after each clip."""
    run = MoveRun()
    sealing = ClipStorage(target, storage.keys(), [])
    for film in _films_to_move(target.name):
        old, film_id = stored(film), film.id
        db.session.commit()  # no transaction held open while bytes are copied
        try:
            source = _Digesting(storage.open(old))
            new = sealing.save(source, old.size)
            if new.size != old.size or digest(sealing, new) != source.hash.hexdigest():
                target.delete(new.key)
                raise ValueError("the copy read back differs from the original")
        except Exception as error:  # this clip stays where it was; the others go on
            db.session.rollback()
            run.failed.append((film_id, f"{type(error).__name__}: {error}"))
            say(f"FAILED film #{film_id}: {error}")
            continue
        if not _point_at(film_id, old, new):
            target.delete(new.key)
            run.changed_meanwhile.append(film_id)
            say(f"film #{film_id}: its clip changed meanwhile; left as the person made it")
            continue
        storage.delete(old.key, old.store)
        run.moved.append(film_id)
        say(f"film #{film_id}: {old.size} bytes, {old.store} -> {new.store}, sealed, verified")
    return run


def _point_at(film_id: int, old: StoredClip, new: StoredClip) -> bool:
    """Point the film at the new copy only if it still holds the old one (one statement);
    audited and committed. False when a person changed the clip meanwhile."""
    assert new.wrapped is not None
    changed = db.session.execute(
        update(Film)
        .where(Film.id == film_id, Film.clip_key == old.key, Film.clip_deleted_at.is_(None))
        .values(
            clip_key=new.key,
            clip_store=new.store,
            clip_key_id=new.wrapped.key_id,
            clip_wrapped_key=new.wrapped.sealed,
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(changed, "rowcount", 0) != 1:
        db.session.rollback()
        return False
    audit.record(
        None,
        "clip.moved",
        "film",
        film_id,
        before={"store": old.store, "sealed": old.wrapped is not None},
        after={"store": new.store, "key_id": new.wrapped.key_id},
    )
    db.session.commit()
    return True


def rotate_keys(storage: ClipStorage, say: Callable[[str], None] = lambda _: None) -> int:
    """Re-wrap every sealed clip's data key under the current key-encryption key, without
    touching the footage; how many were re-wrapped. Commits in batches of 200."""
    ring, done = storage.keys(), 0
    while True:
        films = db.session.scalars(
            select(Film)
            .where(Film.clip_key_id.is_not(None), Film.clip_key_id != ring.current)
            .order_by(Film.id)
            .limit(200)
            .with_for_update()
        ).all()
        if not films:
            return done
        for film in films:
            clip = stored(film)
            assert clip.wrapped is not None
            rewrapped = ring.wrap(ring.unwrap(clip.wrapped))
            film.clip_key_id, film.clip_wrapped_key = rewrapped.key_id, rewrapped.sealed
            audit.record(
                None,
                "clip.key_rewrapped",
                "film",
                film.id,
                before={"key_id": clip.wrapped.key_id},
                after={"key_id": rewrapped.key_id},
            )
        db.session.commit()
        done += len(films)
        say(f"re-wrapped {done} data key(s) under {ring.current}")
