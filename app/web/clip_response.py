"""A stored clip as an HTTP response: streamed from its reader a block at a time, answering
Range requests (206, or 416 outside the clip) without reading the rest, never cached."""

from datetime import datetime
from typing import IO, cast

from flask import request
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.wrappers import Response
from werkzeug.wsgi import FileWrapper

from app.storage.reader import ClipReader

# Bytes of a clip handed to the server at a time.
SERVED_BLOCK = 256 * 1024


def clip_response(
    reader: ClipReader, mimetype: str, etag: str, last_modified: datetime | None
) -> Response:
    """The clip's bytes, or the ranges the request asks for."""
    # Werkzeug's own wrapper, not the server's (`wsgi.file_wrapper`): gunicorn's cannot seek, so
    # a range from the middle would be read, opened and thrown away from the first byte on.
    response = Response(
        FileWrapper(cast(IO[bytes], reader), buffer_size=SERVED_BLOCK),
        mimetype=mimetype,
        direct_passthrough=True,
    )
    response.content_length = reader.size
    response.set_etag(etag)
    response.last_modified = last_modified
    try:
        response = response.make_conditional(
            request.environ, accept_ranges=True, complete_length=reader.size
        )
    except RequestedRangeNotSatisfiable:
        reader.close()
        raise
    # The first block is opened before any byte is sent: a tampered chunk there is refused with
    # an error page, not a broken stream (one further on ends the stream before it).
    reader.prime(response.content_range.start or 0 if response.status_code == 206 else 0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
