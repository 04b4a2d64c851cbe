"""A multipart form read as its bytes arrive (by python-multipart): its small fields kept, and
one file field's bytes handed to a receiver a piece at a time, never spooled whole.

For uploads too large to hold: Werkzeug's own parser copies a file part into a temporary file
before the view sees it, so nothing can be done with the bytes until the last has arrived. Read
the form with this instead of `request.form` (which must then not be touched).
"""

from typing import IO, Protocol

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.http import parse_options_header

READ = 256 * 1024  # bytes read from the request at once
FIELD_BYTES = 4096  # the most a plain field may hold (a CSRF token is under 200)
PARTS = 16  # the most parts a form may have
# RFC 2046 allows 70 characters, but senders exceed it (Werkzeug's own encoder writes up to 72):
# a longer boundary is read, an absurd one refused.
BOUNDARY_CHARS = 200


class FileReceiver(Protocol):
    """Where the file field's bytes go."""

    def start(self, filename: str) -> None:
        """The file part begins (its name as the browser sent it)."""

    def write(self, data: memoryview) -> None:
        """The next bytes of the file (valid only during the call)."""

    def end(self) -> None:
        """The file part ended: every byte was written."""


class BadForm(BadRequest):
    """The body is not the multipart form it says it is (400)."""

    description = "The form could not be read. Please try again."


class _Part:
    def __init__(self) -> None:
        self.header_field, self.header_value = bytearray(), bytearray()
        self.headers: dict[str, str] = {}
        self.name: str | None = None
        self.is_file = False
        self.value = bytearray()


class _Reading:
    """python-multipart's callbacks for one form."""

    def __init__(self, file_field: str, receiver: FileReceiver) -> None:
        self.file_field, self.receiver = file_field, receiver
        self.fields: MultiDict[str, str] = MultiDict()
        self.part = _Part()
        self.parts = 0
        self.file_seen = self.ended = False

    def part_begin(self) -> None:
        self.parts += 1
        if self.parts > PARTS:
            raise BadForm()
        self.part = _Part()

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self.part.header_field += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self.part.header_value += data[start:end]

    def header_end(self) -> None:
        part = self.part
        name = part.header_field.decode("utf-8", errors="replace").strip().lower()
        part.headers[name] = part.header_value.decode("utf-8", errors="replace").strip()
        part.header_field, part.header_value = bytearray(), bytearray()

    def headers_finished(self) -> None:
        part = self.part
        disposition, options = parse_options_header(part.headers.get("content-disposition"))
        if disposition != "form-data" or "name" not in options:
            raise BadForm()
        part.name = options["name"]
        if "filename" not in options:
            return
        # Only the first part for the file field goes to the receiver; other files are dropped.
        part.is_file = part.name == self.file_field and not self.file_seen
        if part.is_file:
            self.file_seen = True
            self.receiver.start(options["filename"])
        else:
            part.name = None

    def part_data(self, data: bytes, start: int, end: int) -> None:
        part = self.part
        if part.is_file:
            self.receiver.write(memoryview(data)[start:end])
        elif part.name is not None:
            part.value += data[start:end]
            if len(part.value) > FIELD_BYTES:
                raise BadForm()

    def part_end(self) -> None:
        part = self.part
        if part.is_file:
            self.receiver.end()
        elif part.name is not None:
            self.fields.add(part.name, part.value.decode("utf-8", errors="replace"))

    def end(self) -> None:
        self.ended = True


def read_streamed_form(
    stream: IO[bytes], content_type: str, file_field: str, receiver: FileReceiver
) -> MultiDict[str, str]:
    """Read a multipart/form-data body from `stream`: the first part for `file_field` (a file)
    goes to `receiver` as it arrives; the plain fields are returned (none from a body of any
    other type, which the form then refuses as empty). BadForm (400) for a multipart body that
    is malformed, cut short, or has more or larger parts than a form of ours."""
    mimetype, options = parse_options_header(content_type)
    if mimetype != "multipart/form-data":
        return MultiDict()
    boundary = options.get("boundary", "")
    if not 0 < len(boundary) <= BOUNDARY_CHARS:
        raise BadForm()
    reading = _Reading(file_field, receiver)
    parser = MultipartParser(
        boundary.encode("latin-1", errors="replace"),
        {
            "on_part_begin": reading.part_begin,
            "on_header_field": reading.header_field,
            "on_header_value": reading.header_value,
            "on_header_end": reading.header_end,
            "on_headers_finished": reading.headers_finished,
            "on_part_data": reading.part_data,
            "on_part_end": reading.part_end,
            "on_end": reading.end,
        },
    )
    try:
        while chunk := stream.read(READ):
            parser.write(chunk)
    except MultipartParseError as error:
        raise BadForm() from error
    if not reading.ended:
        raise BadForm()
    return reading.fields
