"""YD-BOX-INSTALL, YD-DATA-1: uploads are judged by their bytes, never by the browser's Content-Type
(ADR 0025). Photos: JPEG, PNG, WebP or HEIC, decoded under a pixel limit; archives
refused; telematics bodies agree with their Content-Type."""

from __future__ import annotations

import gzip
import io
import struct
import tarfile
import zipfile
import zlib

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from covernote.documents.uploads import (
    Kind,
    check_photo,
    check_telematics_body,
    sniff,
    viewable,
)
from covernote.domain.errors import DomainError, ErrorCode

RULE = "YD-BOX-INSTALL"


def image(fmt: str, size=(40, 30)) -> bytes:
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buf, format=fmt)
    return buf.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares ``width`` × ``height`` pixels (no pixel data)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def zipped() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("box.jpg", image("JPEG"))
    return buf.getvalue()


def tarred() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        data = image("PNG")
        info = tarfile.TarInfo("box.png")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


SEVEN_ZIP = b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(24)
ARCHIVES = {
    "zip": zipped,
    "gzip": lambda: gzip.compress(image("PNG")),
    "tar": tarred,
    "7z": lambda: SEVEN_ZIP,
}


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp"), ("HEIF", "image/heic")],
)
def test_yd_box_install_photo_types_we_take_are_sniffed_and_decoded(fmt, mime):
    photo = check_photo(image(fmt), rule=RULE)
    assert (photo.mime, photo.width, photo.height) == (mime, 40, 30)


def test_yd_box_install_heic_is_kept_as_jpeg_so_staff_can_see_it_in_any_browser():
    raw = image("HEIF")
    stored, mime = viewable(raw, check_photo(raw, rule=RULE))
    assert mime == "image/jpeg" and sniff(stored).mime == "image/jpeg"
    png = image("PNG")
    assert viewable(png, check_photo(png, rule=RULE)) == (png, "image/png")


@pytest.mark.parametrize("name", sorted(ARCHIVES))
def test_yd_box_install_archives_are_refused_as_unsupported_media(name):
    raw = ARCHIVES[name]()
    assert sniff(raw).kind is Kind.ARCHIVE
    with pytest.raises(DomainError) as err:
        check_photo(raw, rule=RULE)
    assert err.value.code is ErrorCode.UNSUPPORTED_MEDIA_TYPE
    assert "archive" in err.value.message and err.value.rule == RULE
    assert err.value.field == "photo"


@pytest.mark.parametrize(
    "raw", [b"%PDF-1.4\n1 0 obj\n", b"hello, not a photo", b"GIF89a" + bytes(20), bytes(64)]
)
def test_yd_box_install_other_files_are_not_photos_whatever_the_name(raw):
    with pytest.raises(DomainError) as err:
        check_photo(raw, rule=RULE)
    assert err.value.code is ErrorCode.UNSUPPORTED_MEDIA_TYPE
    assert "JPEG, PNG, WebP or HEIC" in err.value.message


@pytest.mark.parametrize("side", [20_000, 7_072])  # 400 MP (a decompression bomb), 50.01 MP
def test_yd_box_install_a_png_declaring_too_many_pixels_is_refused_before_decoding(side):
    with pytest.raises(DomainError) as err:
        check_photo(png_declaring(side, side), rule=RULE)
    assert err.value.code is ErrorCode.INVALID  # 422, never a 500
    assert "50 megapixels" in err.value.message and err.value.field == "photo"


def test_yd_box_install_the_pixel_limit_comes_from_settings(settings):
    settings.COVERNOTE_PHOTO_MAX_PIXELS = 1_000
    with pytest.raises(DomainError, match=r"40 × 30 pixels; the most we accept is 0.001"):
        check_photo(image("PNG"), rule=RULE)


def test_yd_box_install_a_truncated_jpeg_is_a_clear_error():
    import weasyprint  # noqa: F401 - it sets Pillow's LOAD_TRUNCATED_IMAGES = True on import

    raw = image("JPEG", (400, 300))
    with pytest.raises(DomainError) as err:
        check_photo(raw[: len(raw) // 2], rule=RULE)
    assert err.value.code is ErrorCode.INVALID and "damaged or incomplete" in err.value.message


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048))
def test_yd_box_install_no_byte_string_escapes_as_anything_but_a_domain_error(raw):
    try:
        check_photo(raw, rule=RULE)
    except DomainError as exc:
        assert exc.code in (ErrorCode.INVALID, ErrorCode.UNSUPPORTED_MEDIA_TYPE)


def parquet() -> bytes:
    buf = io.BytesIO()
    pl.DataFrame({"device_id": ["SBX-1"], "ts": ["2026-04-01T10:00:00Z"]}).write_parquet(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("body", "media", "kind"),
    [
        (b'{"device_id": "SBX-1"}\n', "application/x-ndjson", Kind.TEXT),
        (b"device_id,ts\nSBX-1,2026-04-01T10:00:00Z\n", "text/csv", Kind.TEXT),
        (parquet(), "application/vnd.apache.parquet", Kind.PARQUET),
        (parquet(), "application/octet-stream", Kind.PARQUET),
    ],
)
def test_yd_data_1_telematics_bodies_match_their_content_type(body, media, kind):
    assert check_telematics_body(body, media) is kind


@pytest.mark.parametrize(
    ("body", "media"),
    [
        (parquet(), "text/csv"),
        (image("PNG"), "application/x-ndjson"),
        (b"device_id,ts\n", "application/vnd.apache.parquet"),
        (gzip.compress(b'{"device_id": "SBX-1"}\n'), "application/x-ndjson"),
        (zipped(), "application/octet-stream"),
    ],
)
def test_yd_data_1_a_body_that_is_not_its_content_type_is_unsupported_media(body, media):
    with pytest.raises(DomainError) as err:
        check_telematics_body(body, media)
    assert err.value.code is ErrorCode.UNSUPPORTED_MEDIA_TYPE and err.value.rule == "YD-DATA-1"
