"""Checking, storing and serving files people upload (the hosts' toolkit, progress evidence).

A file is accepted only when both its name and its first bytes say it is one of
the types a feature takes; it is kept under a random name that never comes from
the person, and served with headers that stop a browser treating it as a page
of this site.
"""

from __future__ import annotations

import io
import re
import secrets
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import urlsplit

from flask import Response, send_from_directory
from flask_babel import format_decimal, lazy_ngettext
from flask_babel import lazy_gettext as _l
from werkzeug.utils import secure_filename

FILENAME_MAX = 200

# A downloaded file is never a page of this site: no scripts, no plugins, no
# same-origin access, even if a browser were talked into showing it.
DOWNLOAD_CSP = "default-src 'none'; sandbox"


class UploadRefused(Exception):
    """A file (or other input) that cannot be taken; `field` is the form field the message belongs beside."""

    def __init__(self, field: str, message):
        # The message stays lazy: shown in the language of whoever reads it (and no request is needed here).
        super().__init__(field)
        self.field = field
        self.message = message


# File types ------------------------------------------------------------------


def is_office_file(data: bytes, main_part: str) -> bool:
    """A .docx or .pptx: a zip (only its directory is read, never unpacked) with the part that makes it one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError):
        return False
    return "[Content_Types].xml" in names and main_part in names


def is_webp(data: bytes) -> bool:
    return len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP"


@dataclass(frozen=True)
class UploadType:
    content_type: str
    label: object  # a lazy string
    looks_right: Callable[[bytes], bool]
    # Images a browser shows by themselves; everything else downloads.
    image: bool = False


PDF = UploadType("application/pdf", _l("PDF"), lambda data: data.startswith(b"%PDF-"))
PNG = UploadType("image/png", _l("PNG image"), lambda data: data.startswith(b"\x89PNG\r\n\x1a\n"), image=True)
JPEG = UploadType("image/jpeg", _l("JPEG image"), lambda data: data.startswith(b"\xff\xd8\xff"), image=True)
WEBP = UploadType("image/webp", _l("WebP image"), is_webp, image=True)
DOCX = UploadType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    _l("Word document"),
    lambda data: data.startswith(b"PK\x03\x04") and is_office_file(data, "word/document.xml"),
)
PPTX = UploadType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    _l("PowerPoint presentation"),
    lambda data: data.startswith(b"PK\x03\x04") and is_office_file(data, "ppt/presentation.xml"),
)
ALL_TYPES = (PDF, PNG, JPEG, WEBP, DOCX, PPTX)
EXTENSION_ALIASES = {"jpeg": "jpg"}
LABELS_BY_CONTENT_TYPE = {upload.content_type: upload.label for upload in ALL_TYPES}


def accepted_extensions(types: Mapping[str, UploadType]) -> tuple[str, ...]:
    """For the file input's accept attribute: ".pdf", ".jpg", ".jpeg"..."""
    extensions = [f".{ext}" for ext in types]
    extensions += [f".{alias}" for alias, ext in EXTENSION_ALIASES.items() if ext in types]
    return tuple(extensions)


def stored_name_pattern(types: Mapping[str, UploadType]) -> re.Pattern:
    """What a name made by store() looks like, for these types."""
    return re.compile(r"^[0-9a-f]{32}\.(?:" + "|".join(re.escape(ext) for ext in types) + r")$")


def file_size_label(size: int) -> str:
    if size < 1024:
        return str(lazy_ngettext("%(num)d byte", "%(num)d bytes", size))
    if size < 1024 * 1024:
        return str(_l("%(size)s KB", size=format_decimal(round(size / 1024))))
    return str(_l("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1))))


class _SizeLabel:
    """A size in words, worked out when the message is shown (in the reader's language)."""

    def __init__(self, size: int):
        self.size = size

    def __str__(self) -> str:
        return file_size_label(self.size)


def file_type_label(content_type: str) -> str:
    return str(LABELS_BY_CONTENT_TYPE.get(content_type, content_type))


# Checking --------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedUpload:
    data: bytes
    extension: str
    content_type: str
    download_name: str


def original_name(filename: str | None) -> str:
    """Only the last part of the name counts: a name like "../../x.pdf" names no folder here."""
    return PurePosixPath((filename or "").replace("\\", "/").replace("\x00", "")).name


def download_name(original: str, extension: str, *, default_stem: str = "file") -> str:
    """The original name made safe (secure_filename: no folders, plain letters), still ending in its extension."""
    name = secure_filename(original)
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or ext.lower() != extension:
        stem = secure_filename(PurePosixPath(original).stem) or default_stem
    stem = stem[: FILENAME_MAX - len(extension) - 1]
    return f"{stem}.{extension}"


def checked_upload(
    filename: str | None,
    stream: BinaryIO,
    *,
    types: Mapping[str, UploadType],
    max_bytes: int,
    wrong_type,
    wrong_contents: Callable[[str], object],
    field: str = "file",
    default_stem: str = "file",
) -> CheckedUpload:
    """A file of one of `types` by its name AND its first bytes, not empty, not larger than `max_bytes`.

    `wrong_type` is the feature's own message for a name of another type;
    `wrong_contents(extension)` its message for contents that do not match the name. Raises UploadRefused for `field`.
    """
    original = original_name(filename)
    if not original:
        raise UploadRefused(field, _l("Please choose a file to upload."))
    extension = original.rpartition(".")[2].lower() if "." in original else ""
    canonical = EXTENSION_ALIASES.get(extension, extension)
    upload_type = types.get(canonical)
    if upload_type is None:
        raise UploadRefused(field, wrong_type)
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRefused(field, _l("This file is larger than the %(size)s limit. Please choose a smaller one.",
                                      size=_SizeLabel(max_bytes)))
    if not data:
        raise UploadRefused(field, _l("This file is empty. Please choose another."))
    if not upload_type.looks_right(data):
        raise UploadRefused(field, wrong_contents(extension))
    return CheckedUpload(data=data, extension=canonical, content_type=upload_type.content_type,
                         download_name=download_name(original, extension, default_stem=default_stem))


def is_web_address(url: str) -> bool:
    """http or https, with a host, no spaces or control characters; never javascript:, data: or the like."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        return False
    return (parts.scheme.lower() in ("http", "https") and bool(hostname)
            and not any(ch.isspace() or ord(ch) < 32 for ch in url))


# Storing and serving -----------------------------------------------------------


def store(folder: Path, upload: CheckedUpload) -> Path:
    """Write the file under a new random name in `folder` (never overwriting anything); returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(16)}.{upload.extension}"
    with path.open("xb") as out:
        out.write(upload.data)
    return path


def stored_path(folder: Path, stored_name: str, pattern: re.Pattern) -> Path:
    """Where a stored file is. The name was made by store(), never taken from the person."""
    if not pattern.match(stored_name or ""):
        raise ValueError(f"unexpected stored name {stored_name!r}")
    return folder / stored_name


def send_stored_file(path: Path, *, download_name: str, content_type: str, as_attachment: bool = True) -> Response:
    """A stored file as a response no browser runs or sniffs; pair the view with DOWNLOAD_CSP."""
    response = send_from_directory(
        path.parent,
        path.name,
        as_attachment=as_attachment,
        download_name=download_name,
        mimetype=content_type,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
