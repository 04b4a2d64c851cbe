"""Values gathered from many tables for a page, kept in the app until anything changes.

Keyed by the audit log's newest entry (`audit.newest_mark`: every change of state is recorded in
the same transaction, so a new entry means something may have changed) and by everything else
the values depend on (the day, the viewer's language, the query ...). A decision shows on the
next request, in every worker and on every server, since each request reads the mark from the
database. Keep plain values (text, numbers, dates, lazily translated labels), never database
objects.
"""

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app

from app.services import audit

T = TypeVar("T")


def kept_until_change(store: str, key: Hashable, gather: Callable[[], T], size: int = 32) -> T:
    """What `gather` returns, kept under `key` (in the app's store named `store`, at most `size`
    entries) until the audit log has a newer entry."""
    kept: dict[Any, Any] = current_app.extensions.setdefault(store, {})
    full_key = (audit.newest_mark(), key)
    found = kept.get(full_key)
    if found is None:
        found = gather()
        if len(kept) >= size:
            kept.clear()
        kept[full_key] = found
    return found
