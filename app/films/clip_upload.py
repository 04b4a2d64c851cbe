"""A clip received as its bytes arrive: its type told by its first bytes before anything is
stored, then sealed into the store a piece at a time while the rest of the body arrives, so the
upload ends soon after its last byte (with S3, its parts are on their way meanwhile)."""

import io
from dataclasses import dataclass
from types import TracebackType

from werkzeug.datastructures import FileStorage, MultiDict

from app.authz.web import current_actor
from app.errors import RuleViolation
from app.models import Film
from app.services.evidence import clips
from app.storage import ClipStorage, ClipTooLarge, ClipUpload, StoredClip


class ClipReceiver:
    """The file part of a clip form (a `FileReceiver`). Used as a context manager: whatever
    was stored of a clip that is not then kept (refused, cut short, failed) is removed."""

    def __init__(self, storage: ClipStorage, max_bytes: int, types: tuple[str, ...]) -> None:
        self.storage, self.max_bytes, self.types = storage, max_bytes, types
        self.filename: str | None = None
        self.head = bytearray()
        self.content_type: str | None = None
        self.upload: ClipUpload | None = None
        self.refusal: RuleViolation | None = None
        self.saved: StoredClip | None = None
        self.kept = False

    # FileReceiver: the file part's bytes as they arrive.
    def start(self, filename: str) -> None:
        self.filename = filename

    def write(self, data: memoryview) -> None:
        if self.refusal is not None:
            return  # the rest of a refused file is read and dropped
        if self.upload is None:
            self.head += data
            if len(self.head) >= clips.HEAD:
                self._begin()
            return
        self._store(data)

    def end(self) -> None:
        if self.upload is None and self.refusal is None:
            self._begin()  # a file shorter than the bytes that tell its type

    def _begin(self) -> None:
        try:
            self.content_type = clips.clip_type(bytes(self.head[: clips.HEAD]), self.types)
        except RuleViolation as refusal:
            self.refusal = refusal
            return
        self.upload = self.storage.begin(self.max_bytes)
        head, self.head = self.head, bytearray()
        self._store(memoryview(head))

    def _store(self, data: memoryview) -> None:
        assert self.upload is not None
        try:
            self.upload.write(data)
        except ClipTooLarge:
            self._abort()
            self.refusal = clips.too_large(self.max_bytes)

    def _abort(self) -> None:
        upload, self.upload = self.upload, None
        if upload is not None:
            upload.abort()

    # After the body: the form the view validates, then the clip stored.
    def formdata(self, fields: MultiDict[str, str]) -> MultiDict[str, object]:
        """The form's fields, with the clip as a file of the name sent (its bytes are stored,
        not here)."""
        data: MultiDict[str, object] = MultiDict(fields)
        if self.filename is not None:
            data.add("clip", FileStorage(io.BytesIO(), filename=self.filename, name="clip"))
        return data

    def finish(self) -> tuple[StoredClip, str]:
        """The clip stored, with its type; RuleViolation when it was refused or is empty."""
        if self.refusal is not None:
            raise self.refusal
        if self.upload is None or self.content_type is None:
            raise clips.clip_type_refusal()
        self.saved, self.upload = self.upload.finish(), None
        return self.saved, self.content_type

    def keep(self) -> None:
        """The clip stored is the film's now (committed): nothing to remove on the way out."""
        self.kept = True

    def __enter__(self) -> "ClipReceiver":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._abort()
        if self.saved is not None and not self.kept:
            self.storage.discard(self.saved)


@dataclass(frozen=True)
class Uploaded:
    """A clip kept: the one it replaced, to delete after commit."""

    replaced: StoredClip | None


def kept(receiver: ClipReceiver, film: Film, storage: ClipStorage) -> Uploaded:
    """The received clip stored and made the film's (RuleViolation if it was refused)."""
    saved, content_type = receiver.finish()
    return Uploaded(clips.keep_uploaded(current_actor(), film, saved, content_type, storage))
