"""What an upload really is, from its bytes — never from the browser's Content-Type
(ADR 0025: YD-BOX-INSTALL photos, YD-DATA-1 telematics bodies).

``puremagic`` (pure Python magic numbers, no libmagic) names the candidates; this
module decides. Archives (zip and everything built on it, gzip, tar, 7z, rar,
bzip2, xz, zstd) are refused wherever they turn up. Install photos must be
JPEG, PNG, WebP or HEIC and are decoded in full by Pillow under a pixel limit
(a PNG that declares 20,000 × 20,000 pixels is refused before a byte of it is
decoded). Telematics uploads are JSON lines, CSV (UTF-8 text) or Parquet.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

import puremagic
from django.conf import settings

from covernote.domain.errors import DomainError, ErrorCode

DEFAULT_PHOTO_MAX_PIXELS = 50_000_000  # 50 MP: a 48 MP phone photo passes
PARQUET_MAGIC = b"PAR1"


class Kind(StrEnum):
    IMAGE = "image"
    ARCHIVE = "archive"
    PARQUET = "parquet"
    TEXT = "text"
    OTHER = "other"


#: extension puremagic reports -> the MIME type we store, for the photos we take
PHOTO_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jfif": "image/jpeg",
    ".jpe": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".heif": "image/heic",
}
#: the Pillow decoder allowed for each sniffed photo type (pillow-heif registers HEIF)
PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
    "image/heic": "HEIF",
}
ARCHIVE_EXTENSIONS = frozenset(
    {".zip", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz", ".zst", ".lz", ".cab", ".z"}
)


@dataclass(frozen=True)
class Sniffed:
    kind: Kind
    mime: str  # "" when not known
    label: str  # for messages: "ZIP archive", "PNG image", "text"


def sniff(raw: bytes) -> Sniffed:
    """The real type of ``raw`` from its leading (and, for Parquet, trailing) bytes."""
    if raw[:4] == PARQUET_MAGIC and raw[-4:] == PARQUET_MAGIC:
        return Sniffed(Kind.PARQUET, "application/vnd.apache.parquet", "Parquet")
    try:
        candidates = puremagic.magic_string(raw[:8192] + (raw[-512:] if len(raw) > 8192 else b""))
    except (puremagic.PureError, ValueError):
        candidates = []
    extensions = [c.extension.lower() for c in candidates]
    archive = next((e for e in extensions if e in ARCHIVE_EXTENSIONS), None)
    if archive is not None or any(c.mime_type.endswith("zip") for c in candidates):
        name = (archive or ".zip").lstrip(".").upper()
        return Sniffed(Kind.ARCHIVE, "", f"{name} archive")
    photo = next((e for e in extensions if e in PHOTO_TYPES), None)
    if photo is not None:
        mime = PHOTO_TYPES[photo]
        return Sniffed(Kind.IMAGE, mime, f"{PILLOW_FORMATS[mime]} image")
    if _is_text(raw):
        return Sniffed(Kind.TEXT, "text/plain", "text")
    if candidates:
        first = candidates[0]
        label = (first.name or first.extension.lstrip(".").upper() or "unknown").strip()
        return Sniffed(Kind.OTHER, first.mime_type, label)
    return Sniffed(Kind.OTHER, "", "an unrecognised file")


def _is_text(raw: bytes) -> bool:
    head = raw[:65536]
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # a multibyte character cut at the sample's end
    return True


_STRICT = threading.Lock()


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Decode with truncated images refused. WeasyPrint sets Pillow's process-wide
    ``LOAD_TRUNCATED_IMAGES = True`` on import, which would let half a photo through."""
    from PIL import ImageFile

    with _STRICT:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def _refuse(message: str, rule: str, field: str) -> DomainError:
    return DomainError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, message, rule, field)


@dataclass(frozen=True)
class Photo:
    mime: str
    width: int
    height: int


def photo_max_pixels() -> int:
    return int(getattr(settings, "COVERNOTE_PHOTO_MAX_PIXELS", DEFAULT_PHOTO_MAX_PIXELS))


def check_photo(raw: bytes, *, rule: str, field: str = "photo") -> Photo:
    """A JPEG, PNG, WebP or HEIC photo, decoded in full under the pixel limit.

    Archives and other types: UNSUPPORTED_MEDIA_TYPE (415 at the API). An image too
    large or that does not decode: INVALID (422), naming the limit.
    """
    found = sniff(raw)
    if found.kind is Kind.ARCHIVE:
        raise _refuse(
            f"this is a {found.label}: archives (zip, gzip, tar, 7z) are not accepted; "
            "upload the photo itself (JPEG, PNG, WebP or HEIC)",
            rule,
            field,
        )
    if found.kind is not Kind.IMAGE:
        raise _refuse(
            f"this file is {found.label}, not a photo we can read (JPEG, PNG, WebP or HEIC)",
            rule,
            field,
        )
    from PIL import Image, UnidentifiedImageError

    if found.mime == "image/heic":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    limit = photo_max_pixels()
    megapixels = f"{limit / 1_000_000:g}"
    try:
        with Image.open(io.BytesIO(raw), formats=[PILLOW_FORMATS[found.mime]]) as img:
            width, height = img.size
            if width * height > limit:
                raise DomainError(
                    ErrorCode.INVALID,
                    f"the photo is {width:,} × {height:,} pixels; the most we accept is "
                    f"{megapixels} megapixels: send a smaller photo",
                    rule,
                    field,
                )
            with _strict_decoding():
                img.load()  # decode every pixel: a truncated or corrupt file fails here
    except Image.DecompressionBombError as exc:
        raise DomainError(
            ErrorCode.INVALID,
            f"the photo declares more than {megapixels} megapixels: send a smaller photo",
            rule,
            field,
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise DomainError(
            ErrorCode.INVALID,
            f"the {found.label} is damaged or incomplete and cannot be read",
            rule,
            field,
        ) from exc
    return Photo(found.mime, width, height)


#: Content-Type media types of telematics uploads and the sniffed kind each must be
TELEMATICS_KINDS = {
    "application/x-ndjson": Kind.TEXT,
    "application/jsonl": Kind.TEXT,
    "application/json-lines": Kind.TEXT,
    "application/jsonlines": Kind.TEXT,
    "text/csv": Kind.TEXT,
    "application/csv": Kind.TEXT,
    "application/vnd.apache.parquet": Kind.PARQUET,
    "application/x-parquet": Kind.PARQUET,
    "application/parquet": Kind.PARQUET,
    "application/octet-stream": Kind.PARQUET,
}
EXPECTED_LABELS = {
    Kind.TEXT: "UTF-8 text (JSON lines or CSV)",
    Kind.PARQUET: "Parquet (PAR1 magic at both ends)",
}


def check_telematics_body(raw: bytes, media_type: str, *, rule: str = "YD-DATA-1") -> Kind:
    """The body's sniffed kind agrees with its Content-Type (JSON lines and CSV are UTF-8
    text, Parquet has its PAR1 magic at both ends); archives are refused."""
    found = sniff(raw)
    if found.kind is Kind.ARCHIVE:
        raise _refuse(
            f"the body is a {found.label}: send the fixes uncompressed "
            "(JSON lines, CSV or Parquet)",
            rule,
            "body",
        )
    expected = TELEMATICS_KINDS.get(media_type)
    if expected is None or not raw.strip():
        return found.kind  # the parser names the unsupported type or the empty body
    if found.kind is not expected:
        raise _refuse(
            f"the body is {found.label}, not {EXPECTED_LABELS[expected]} as its "
            f"Content-Type {media_type} says",
            rule,
            "content_type",
        )
    return found.kind


#: complaint evidence (COMP-1): declared type -> what its bytes must be
EVIDENCE_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG image",
    "image/png": "PNG image",
    "text/plain": "text",
}


def check_evidence(raw: bytes, declared: str, *, rule: str, field: str = "file") -> str:
    """Evidence attached to a complaint is what it says it is (COMP-1): a PDF starts
    with ``%PDF-``, a photo is a JPEG or PNG that decodes under the pixel limit, text is
    UTF-8; archives and anything else are refused whatever the browser called them.
    Returns the verified media type."""
    found = sniff(raw)
    if found.kind is Kind.ARCHIVE:
        raise _refuse(
            f"this is a {found.label}: archives are not accepted; attach the PDF, photo "
            "or text itself",
            rule,
            field,
        )
    if declared == "application/pdf":
        ok = raw[:1024].lstrip().startswith(b"%PDF-")
    elif declared in ("image/jpeg", "image/png"):
        ok = found.kind is Kind.IMAGE and found.mime == declared
        if ok:
            check_photo(raw, rule=rule, field=field)
    elif declared == "text/plain":
        ok = found.kind is Kind.TEXT
    else:
        ok = False
    if not ok:
        want = EVIDENCE_TYPES.get(declared, declared or "an unknown type")
        raise _refuse(
            f"the file is {found.label}, not the {want} its name and type say; attach a "
            "PDF, JPEG, PNG or text file",
            rule,
            field,
        )
    return declared


def viewable(raw: bytes, photo: Photo) -> tuple[bytes, str]:
    """The bytes to store so staff can see the photo in any browser: a HEIC photo (the
    iPhone default) is re-encoded as JPEG; JPEG, PNG and WebP are kept as sent."""
    if photo.mime != "image/heic":
        return raw, photo.mime
    from PIL import Image
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    with Image.open(io.BytesIO(raw), formats=["HEIF"]) as img:
        img.convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue(), "image/jpeg"
