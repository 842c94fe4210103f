"""An import file arriving over HTTP: streamed to disk chunk by chunk, never held whole.

The file comes as the raw request body (``Content-Type: text/csv`` or
``application/x-ndjson``: ``curl --data-binary @file.csv``) or as the part ``file`` of a
``multipart/form-data`` upload (``curl -F file=@file.csv``). Either way it is written to the
job's folder as it arrives, counting bytes (the upload limit holds while streaming, also
without a Content-Length) and lines (the progress of the import counts against them).
"""

from __future__ import annotations

import errno
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from starlette.datastructures import UploadFile

from api.middleware import TooLarge
from api.problems import ApiProblem
from ledger.imports import FORMATS

CHUNK = 1 << 20  # bytes read at a time from a multipart part already spooled to disk
MEDIA_TYPES = {
    "text/csv": "csv",
    "application/csv": "csv",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/json-lines": "jsonl",
    "application/x-jsonlines": "jsonl",
}
EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Received:
    path: Path
    file_format: str
    size: int
    lines: int  # physical lines, a last one without a newline included


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def receive_file(
    request: Request, folder: Path, name: str | None, given_format: str | None, limit: int
) -> Received:
    """The request's file, written into ``folder``; 413 past ``limit`` bytes."""
    try:
        if media_type(request) == "multipart/form-data":
            return await receive_part(request, folder, name, given_format, limit)
        file_format = format_of(given_format, media_type(request), name)
        path = folder / safe_name(name, file_format)
        size, lines = await write_stream(request.stream(), path, limit)
        return Received(path, file_format, size, lines)
    except TooLarge:  # the service's body limit, hit while reading: the same refusal
        raise too_large(limit) from None
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise ApiProblem(507, "insufficient-storage", "no room to keep the file") from None
        raise


async def receive_part(
    request: Request, folder: Path, name: str | None, given_format: str | None, limit: int
) -> Received:
    # Starlette spools each part to a temporary file as it parses: the copy is by chunks.
    async with request.form(max_files=1, max_fields=10) as form:
        part = form.get("file")
        if not isinstance(part, UploadFile):
            raise ApiProblem(422, "invalid-input", "file: a multipart upload needs a part 'file'")
        return await receive_upload(part, folder, name, given_format, limit)


async def receive_upload(
    part: UploadFile, folder: Path, name: str | None, given_format: str | None, limit: int
) -> Received:
    """A multipart part already parsed (the console's form, whose other fields are read
    first), written into ``folder`` by chunks; 413 past ``limit`` bytes."""
    name = name or part.filename
    part_type = (part.content_type or "").split(";")[0].strip().lower()
    file_format = format_of(given_format, part_type, name)
    path = folder / safe_name(name, file_format)
    size, lines = await write_stream(chunks_of(part), path, limit)
    return Received(path, file_format, size, lines)


async def chunks_of(part: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await part.read(CHUNK):
        yield chunk


async def write_stream(chunks: AsyncIterator[bytes], path: Path, limit: int) -> tuple[int, int]:
    """Write the chunks to ``path`` as they come; (bytes, lines) written."""
    size = lines = 0
    last = b"\n"
    # Plain writes: a chunk goes to the page cache in microseconds, less than a hop to a
    # thread would cost; the event loop waits on the network, not on this.
    with path.open("wb") as out:
        async for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            out.write(chunk)
            lines += chunk.count(b"\n")
            last = chunk[-1:] or last
    return size, lines + (last != b"\n")


def format_of(given: str | None, media: str, name: str | None) -> str:
    """``?format=`` first, then the media type, then the file name's extension."""
    if given is not None:
        if given not in FORMATS:
            raise ApiProblem(422, "invalid-input", f"format {given!r}: must be csv or jsonl")
        return given
    if media in MEDIA_TYPES:
        return MEDIA_TYPES[media]
    extension = Path(name).suffix.lower() if name else ""
    if extension in EXTENSIONS:
        return EXTENSIONS[extension]
    raise ApiProblem(
        415, "unsupported-media-type",
        f"cannot tell the file's format from {media or 'no Content-Type'!r}: send "
        "Content-Type text/csv or application/x-ndjson, or add ?format=csv|jsonl",
    )  # fmt: skip


def safe_name(name: str | None, file_format: str) -> str:
    """The sender's file name (the batch record keeps it) as a plain name in the folder."""
    base = SAFE_NAME.sub("_", Path(name or "").name).strip("._")[:100]
    return base or f"upload.{file_format}"


def too_large(limit: int) -> ApiProblem:
    return ApiProblem(
        413, "request-too-large", f"the request body is larger than {limit} bytes",
        {"Connection": "close"},
    )  # fmt: skip
