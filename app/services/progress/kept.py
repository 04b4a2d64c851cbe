"""Progress kept between requests: computed once, served again until its facts change.

Kept under each enrolment's progress mark and the mark of every enrolment (`marks`), the day it
is computed for and the language, in a bounded store per application (least recently used goes
first). The marks are read before the facts, so what is kept is never older than its key. A
transaction that has changed facts it has not committed computes afresh (it must see its own
changes); so do decisions, which call `snapshots.progress_for` themselves.
"""

from collections import OrderedDict
from collections.abc import Hashable, Sequence
from datetime import date
from threading import Lock

from flask import current_app
from flask_babel import get_locale

from app.models import Enrolment
from app.services.progress import marks
from app.services.progress.enrolment_head import EnrolmentHead
from app.services.progress.evaluate import EnrolmentProgress
from app.services.progress.snapshots import progress_for_many

STORE_KEY = "kept_progress"


class KeptProgress:
    """A bounded, thread-safe store of computed progress by key."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, EnrolmentProgress] = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable) -> EnrolmentProgress | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, progress: EnrolmentProgress) -> None:
        with self._lock:
            self._items[key] = progress
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def _store() -> KeptProgress:
    store = current_app.extensions.get(STORE_KEY)
    if store is None:
        store = current_app.extensions.setdefault(
            STORE_KEY, KeptProgress(current_app.config.get("PROGRESS_KEPT", 4096))
        )
    return store


def progress_of_many(
    enrolments: Sequence[EnrolmentHead], today: date
) -> dict[int, EnrolmentProgress]:
    """Progress of several enrolments (or rows of their heads) by id, from what is kept where
    its facts are unchanged."""
    if not enrolments or marks.has_pending_changes():
        return progress_for_many(enrolments, today)
    store, language = _store(), str(get_locale() or "")
    keys = {
        key: (key, mark, every, today, language)
        for key, (mark, every) in marks.marks_of([e.id for e in enrolments]).items()
    }
    found: dict[int, EnrolmentProgress] = {}
    for key, kept_under in keys.items():
        kept = store.get(kept_under)
        if kept is not None:
            found[key] = kept
    missing = [e for e in enrolments if e.id not in found]
    for key, progress in progress_for_many(missing, today).items():
        store.put(keys[key], progress)
        found[key] = progress
    return found


def progress_of(enrolment: Enrolment, today: date) -> EnrolmentProgress:
    """One enrolment's progress, from what is kept where its facts are unchanged."""
    return progress_of_many([enrolment], today)[enrolment.id]
