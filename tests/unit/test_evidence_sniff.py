"""Evidence files: recognised by content, photos re-encoded without EXIF, PDFs checked."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from PIL import Image

from server.services import evidence
from server.services.errors import PayloadTooLarge, UnsupportedMediaType


def exif_bytes(*, orientation: int = 1, taken: str | None = "2026:03:01 09:30:00", gps: bool = True,
               offset: str | None = None) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "TestCam"
    if taken:
        exif.get_ifd(0x8769)[36867] = taken
    if offset:
        exif.get_ifd(0x8769)[36881] = offset
    if gps:
        place = exif.get_ifd(0x8825)
        place[1], place[2], place[3], place[4] = "N", (30.0, 15.0, 0.0), "E", (120.0, 10.0, 0.0)
    return exif.tobytes()


def jpeg(size=(400, 200), **exif) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, "JPEG", exif=exif_bytes(**exif))
    return out.getvalue()


def png(size=(300, 100), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (0, 128, 255, 200) if mode == "RGBA" else "blue").save(out, "PNG")
    return out.getvalue()


def heic(size=(640, 480)) -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, "HEIF", exif=exif_bytes(gps=True))
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# -- sniffing ----------------------------------------------------------------------


def test_sniff_recognises_each_kind_by_its_first_bytes():
    assert evidence.sniff(jpeg()[:64]) == evidence.JPEG
    assert evidence.sniff(png()[:64]) == evidence.PNG
    assert evidence.sniff(PDF[:64]) == evidence.PDF
    assert evidence.sniff(heic()[:64]) == evidence.HEIC


def test_sniff_refuses_text_whatever_it_is_called():
    assert evidence.sniff(b"hello, this is not a photo") is None
    assert evidence.sniff(b"") is None


def test_sniff_refuses_avif_which_only_shares_the_generic_brand():
    avif = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00mif1miafMA1B"
    assert evidence.sniff(avif) is None


def test_sniff_takes_heic_named_only_among_compatible_brands():
    assert evidence.sniff(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00heicmif1") == evidence.HEIC


def test_text_file_named_like_a_photo_is_415():
    with pytest.raises(UnsupportedMediaType) as error:
        evidence.clean(b"just some text pretending to be photo.jpg\n" * 10)
    assert error.value.code == "unsupported_type"


def test_over_ten_megabytes_is_413():
    with pytest.raises(PayloadTooLarge) as error:
        evidence.clean(b"%PDF-" + b"0" * evidence.MAX_BYTES)
    assert error.value.code == "file_too_large"


# -- photos ------------------------------------------------------------------------


def test_jpeg_is_stored_without_exif_or_gps():
    stored = evidence.clean(jpeg())
    assert stored.content_type == "image/jpeg" and stored.ext == "jpg"
    image = opened(stored.body)
    assert dict(image.getexif()) == {}
    assert b"Exif" not in stored.body and b"TestCam" not in stored.body


def test_exif_orientation_is_applied_to_the_pixels():
    stored = evidence.clean(jpeg(size=(400, 200), orientation=6))
    assert (stored.width, stored.height) == (200, 400)
    assert opened(stored.body).size == (200, 400)


def test_capture_time_is_kept_as_china_local_time():
    stored = evidence.clean(jpeg(taken="2026:03:01 09:30:00"))
    assert stored.captured_at == dt.datetime(2026, 3, 1, 1, 30, tzinfo=dt.UTC)


def test_capture_time_honours_an_explicit_offset():
    stored = evidence.clean(jpeg(taken="2026:03:01 09:30:00", offset="+09:00"))
    assert stored.captured_at == dt.datetime(2026, 3, 1, 0, 30, tzinfo=dt.UTC)


def test_photo_without_capture_time_has_none():
    assert evidence.clean(jpeg(taken=None)).captured_at is None


def test_large_photo_is_scaled_down_to_the_long_side_limit():
    stored = evidence.clean(jpeg(size=(4000, 3000), gps=False))
    assert max(stored.width, stored.height) == evidence.MAX_SIDE
    assert opened(stored.body).size == (2560, 1920)


def test_thumbnail_is_a_small_jpeg():
    stored = evidence.clean(jpeg(size=(1000, 500)))
    thumb = opened(stored.thumb)
    assert thumb.format == "JPEG" and thumb.size == (320, 160)


def test_png_stays_png_with_its_transparency():
    stored = evidence.clean(png())
    assert stored.content_type == "image/png" and stored.ext == "png"
    image = opened(stored.body)
    assert image.format == "PNG" and image.mode == "RGBA" and image.size == (300, 100)
    assert opened(stored.thumb).format == "JPEG"


def test_heic_is_reencoded_as_jpeg_without_exif():
    stored = evidence.clean(heic())
    assert stored.content_type == "image/jpeg"
    image = opened(stored.body)
    assert image.format == "JPEG" and image.size == (640, 480)
    assert dict(image.getexif()) == {}
    assert stored.captured_at == dt.datetime(2026, 3, 1, 1, 30, tzinfo=dt.UTC)


def test_decompression_bomb_is_refused_before_decoding():
    # A 7740 x 7740 one-colour PNG is a few KB on disk but 60 Mpx (once 6 s and ~600 MB to decode).
    out = io.BytesIO()
    Image.new("1", (7740, 7740), 1).save(out, "PNG", optimize=True)
    assert len(out.getvalue()) < 250_000
    started = time.perf_counter()
    with pytest.raises(PayloadTooLarge) as error:
        evidence.clean(out.getvalue())
    assert time.perf_counter() - started < 0.5  # the header was enough
    assert error.value.status_code == 413 and error.value.code == "image_too_large"
    assert "像素" in error.value.detail


def test_a_photo_just_under_the_pixel_limit_is_taken():
    out = io.BytesIO()
    Image.new("RGB", (6000, 6000), (250, 250, 250)).save(out, "JPEG", quality=80)
    stored = evidence.clean(out.getvalue())
    assert max(opened(stored.body).size) == evidence.MAX_SIDE


def test_truncated_jpeg_is_refused():
    out = io.BytesIO()
    Image.effect_noise((800, 600), 64).convert("RGB").save(out, "JPEG")
    whole = out.getvalue()
    with pytest.raises(UnsupportedMediaType):
        evidence.clean(whole[: len(whole) // 2])


def test_jpeg_header_followed_by_garbage_is_refused():
    with pytest.raises(UnsupportedMediaType):
        evidence.clean(b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 50)


# -- PDFs ----------------------------------------------------------------------------


def test_pdf_is_stored_byte_for_byte_without_thumbnail():
    stored = evidence.clean(PDF)
    assert stored.content_type == "application/pdf" and stored.body == PDF
    assert stored.thumb is None and stored.width is None


def test_pdf_cut_short_is_refused():
    with pytest.raises(UnsupportedMediaType):
        evidence.clean(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n" + b"x" * 2000)


# -- names ---------------------------------------------------------------------------


def test_display_name_drops_directories_and_control_characters():
    assert evidence.display_name("C:\\Users\\me\\证书.jpg") == "证书.jpg"
    assert evidence.display_name("../../etc/passwd") == "passwd"
    assert evidence.display_name("a\x00b\nc.pdf") == "abc.pdf"
    assert len(evidence.display_name("x" * 500 + ".pdf")) == 200
    assert evidence.display_name(None) == ""
