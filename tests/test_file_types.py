"""Attachments' files: the type from the content, the kept name, images without metadata."""

import io
import zipfile

import pytest
from PIL import Image

import file_samples as samples
from events.file_types import (EXTENSIONS, IMAGE_TYPES, TYPES, FileRefused, clean_name, sanitise_image, sniff,
                               thumbnail)

pytestmark = pytest.mark.store_independent

OWNER = "Ägare Kamerasson"


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize("kind, data", [
    ("pdf", samples.pdf_with_text("ord")),
    ("docx", samples.docx_with_text("ord")),
    ("odt", samples.odt_with_text("ord")),
    ("xlsx", samples.xlsx_with_text("ord")),
    ("png", samples.png_bytes()),
    ("jpeg", samples.jpeg_with_exif()),
])
def test_sniff_reads_each_type_from_its_content_whatever_the_name(tmp_path, kind, data):
    assert sniff(write(tmp_path, "utan-namn.txt", data)) == TYPES[kind]


def test_types_extensions_and_images_agree():
    assert set(EXTENSIONS) == set(TYPES.values())
    assert EXTENSIONS["image/jpeg"] == (".jpg", ".jpeg")
    assert IMAGE_TYPES == {"image/png", "image/jpeg"}


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("data", [
    samples.html_as_pdf(),
    b"#!/bin/sh\nrm -rf /\n",
    b"GIF89a\x01\x00\x01\x00",
    _zip({"readme.txt": "en vanlig zip"}),
    _zip({"[Content_Types].xml": "<Types/>"}),
    _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}),
    b"PK\x03\x04" + b"\x00" * 200,
], ids=["html", "script", "gif", "zip", "ooxml-without-main-part", "ods", "broken-zip"])
def test_other_content_is_refused_as_an_unsupported_type(tmp_path, data):
    with pytest.raises(FileRefused) as refused:
        sniff(write(tmp_path, "x.pdf", data))
    assert refused.value.code == "unsupported_type"
    assert "PDF, DOCX, ODT, XLSX, PNG eller JPEG" in refused.value.message


def test_an_empty_file_is_refused(tmp_path):
    with pytest.raises(FileRefused) as refused:
        sniff(write(tmp_path, "tom.pdf", b""))
    assert refused.value.code == "empty_file"
    assert refused.value.message == "Filen är tom."


def test_a_png_named_pdf_is_a_type_mismatch(tmp_path):
    mime = sniff(write(tmp_path, "x.pdf", samples.png_bytes()))
    with pytest.raises(FileRefused) as refused:
        clean_name("x.pdf", mime)
    assert refused.value.code == "type_mismatch"
    with pytest.raises(FileRefused):
        clean_name("foto.JPG", "image/png")


@pytest.mark.parametrize("name, mime, kept", [
    ("../../etc/rapport.pdf", "application/pdf", "rapport.pdf"),
    ("C:\\Users\\anna\\Protokoll.PDF", "application/pdf", "Protokoll.PDF"),
    ("bild.jpeg", "image/jpeg", "bild.jpeg"),
    ("bild.JPG", "image/jpeg", "bild.JPG"),
    ("rapport", "application/pdf", "rapport.pdf"),
    ("rapport.v2", "application/pdf", "rapport.v2.pdf"),
    ("skript.exe", "application/pdf", "skript.exe.pdf"),
    ("", "image/jpeg", "bilaga.jpg"),
    ("  ", "application/pdf", "bilaga.pdf"),
    (".pdf", "application/pdf", "bilaga.pdf"),
    ("../", "application/pdf", "bilaga.pdf"),
    ("rad\nbrytning\x00.odt", "application/vnd.oasis.opendocument.text", "radbrytning.odt"),
    ("rapport\u202efdp.exe", "application/pdf", "rapportfdp.exe.pdf"),
    ("Mo\u0308te.docx", TYPES["docx"], "Möte.docx"),
])
def test_clean_name_keeps_a_safe_base_name_with_the_types_extension(name, mime, kept):
    assert clean_name(name, mime) == kept


def test_clean_name_shortens_to_150_characters_keeping_the_extension():
    kept = clean_name("å" * 400 + ".xlsx", TYPES["xlsx"])
    assert len(kept) == 150 and kept.endswith("å.xlsx")
    assert len(clean_name("b" * 400, "application/pdf")) == 150


def test_clean_name_refuses_a_name_that_is_no_string():
    with pytest.raises(FileRefused) as refused:
        clean_name(b"x.pdf", "application/pdf")
    assert refused.value.code == "bad_name"


def test_sanitised_jpeg_has_no_exif_gps_owner_xmp_or_comment(tmp_path):
    source = write(tmp_path, "foto.jpg", samples.jpeg_with_exif(gps=True, owner=OWNER))
    with Image.open(source) as image:
        assert image.getexif().get_ifd(0x8825)
    assert OWNER.encode() in open(source, "rb").read()
    target = str(tmp_path / "ren.jpg")
    sanitise_image(source, "image/jpeg", target)
    data = open(target, "rb").read()
    with Image.open(target) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert not image.getexif().get_ifd(0x8825)
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
    for secret in (OWNER.encode(), OWNER.encode("utf-16-le"), b"Kameratillverkare", b"Exif\x00", b"xmpmeta"):
        assert secret not in data


def test_sanitised_jpeg_keeps_its_orientation(tmp_path):
    source = write(tmp_path, "liggande.jpg", samples.jpeg_with_exif(orientation=6))
    target = str(tmp_path / "ren.jpg")
    sanitise_image(source, "image/jpeg", target)
    with Image.open(target) as image:
        assert image.size == (40, 60)
        top, bottom = image.getpixel((20, 5)), image.getpixel((20, 55))
    assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]


def test_sanitised_png_has_no_text_chunks_and_keeps_transparency(tmp_path):
    source = write(tmp_path, "bild.png", samples.png_bytes(with_text_chunk="Hemlig kommentar"))
    target = str(tmp_path / "ren.png")
    sanitise_image(source, "image/png", target)
    assert b"Hemlig kommentar" not in open(target, "rb").read()
    with Image.open(target) as image:
        assert image.format == "PNG" and image.info == {} and image.text == {}
        assert image.getpixel((30, 10))[3] == 0


@pytest.mark.parametrize("data, mime", [
    (samples.png_bytes(), "image/jpeg"),
    (samples.jpeg_with_exif()[:200], "image/jpeg"),
    (samples.pdf_with_text("ord"), "application/pdf"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "image/png"),
], ids=["type-differs", "truncated", "not-an-image", "broken-png"])
def test_an_unreadable_or_mismatched_image_is_refused(tmp_path, data, mime):
    with pytest.raises(FileRefused) as refused:
        sanitise_image(write(tmp_path, "bild", data), mime, str(tmp_path / "ren"))
    assert refused.value.code == "bad_image"


def test_an_image_above_40_million_pixels_is_refused(tmp_path):
    source = str(tmp_path / "stor.png")
    Image.new("1", (8000, 5001)).save(source)
    with pytest.raises(FileRefused) as refused:
        sanitise_image(source, "image/png", str(tmp_path / "ren.png"))
    assert refused.value.code == "bad_image"


def test_thumbnail_is_a_jpeg_with_the_longest_side_given(tmp_path):
    source = str(tmp_path / "stor.png")
    Image.new("RGBA", (800, 400), (0, 0, 0, 0)).save(source)
    target = str(tmp_path / "tumnagel.jpg")
    assert thumbnail(source, target, size=100) == "image/jpeg"
    with Image.open(target) as image:
        assert image.format == "JPEG" and image.mode == "RGB" and image.size == (100, 50)
        assert min(image.getpixel((50, 25))) > 240
    jpeg = write(tmp_path, "foto.jpg", samples.jpeg_with_exif())
    thumbnail(jpeg, target)
    with Image.open(target) as image:
        assert image.size == (60, 40)
