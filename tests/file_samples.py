"""Attachment samples built in memory (stdlib and Pillow only): documents with known words,
images with metadata, and hostile files."""

import io
import struct
import zipfile
import zlib
from xml.sax.saxutils import escape

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from wiki.demo_files import pdf_objects, text_pdf


def pdf_with_text(words: str, pages: int = 1, author: str | None = None) -> bytes:
    """A minimal PDF (Helvetica, WinAnsi) with `words` on each page; /Info /Author if given."""
    return text_pdf([words.split("\n")] * pages, author=author, producer="file_samples")


def looping_pdf() -> bytes:
    """A PDF whose page tree is its own kid, and whose page's parent is itself."""
    return pdf_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 /Parent 2 0 R >>",
        b"<< /Type /Page /Parent 3 0 R /Contents 3 0 R /Resources 3 0 R >>",
    ], root=1)


def html_as_pdf() -> bytes:
    return b"<html><head><script>alert(1)</script></head><body><p>Inte en PDF</p></body></html>\n"


def _zip(entries: dict[str, bytes | str], first_stored: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first_stored:
            archive.writestr(first_stored, entries[first_stored], compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            if name != first_stored:
                archive.writestr(name, data)
    return buffer.getvalue()


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_RELS = (_XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="%s"/>'
         '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
         'core-properties" Target="docProps/core.xml"/></Relationships>')


def _core(author: str | None) -> str:
    creator = f"<dc:creator>{escape(author)}</dc:creator><cp:lastModifiedBy>{escape(author)}</cp:lastModifiedBy>" \
        if author else ""
    return (_XML + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">'
            f"<dc:title>Prov</dc:title>{creator}</cp:coreProperties>")


def _content_types(main: str, part: str) -> str:
    return (_XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{part}" ContentType="{main}"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>')


def _word_document(body: str) -> str:
    return (_XML + '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}</w:body></w:document>")


def docx_with_text(words: str, author: str | None = None) -> bytes:
    """A minimal DOCX with one paragraph per line of `words`; dc:creator if given."""
    paragraphs = "".join(f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
                         for line in words.split("\n"))
    return _zip({
        "[Content_Types].xml": _content_types(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "word/document.xml"),
        "_rels/.rels": _RELS % "word/document.xml",
        "word/document.xml": _word_document(paragraphs),
        "docProps/core.xml": _core(author),
    })


def odt_with_text(words: str, author: str | None = None) -> bytes:
    """A minimal ODT (stored `mimetype` first) with one paragraph per line of `words`."""
    office = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    paragraphs = "".join(f"<text:p>{escape(line)}</text:p>" for line in words.split("\n"))
    creator = f"<meta:initial-creator>{escape(author)}</meta:initial-creator>" if author else ""
    return _zip({
        "mimetype": "application/vnd.oasis.opendocument.text",
        "META-INF/manifest.xml": (
            _XML + '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
            'manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry '
            'manifest:full-path="content.xml" manifest:media-type="text/xml"/><manifest:file-entry '
            'manifest:full-path="meta.xml" manifest:media-type="text/xml"/></manifest:manifest>'),
        "content.xml": (
            _XML + f'<office:document-content {office} xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
            f'office:version="1.2"><office:body><office:text>{paragraphs}</office:text></office:body>'
            "</office:document-content>"),
        "meta.xml": (
            _XML + f'<office:document-meta {office} xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2">'
            f"<office:meta><meta:generator>file_samples</meta:generator>{creator}</office:meta>"
            "</office:document-meta>"),
    }, first_stored="mimetype")


def xlsx_with_text(words: str) -> bytes:
    """A minimal XLSX: `words` as a shared string in A1 and a number in B1."""
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    relationships = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    return _zip({
        "[Content_Types].xml": _content_types(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xl/workbook.xml"),
        "_rels/.rels": _RELS % "xl/workbook.xml",
        "xl/workbook.xml": (_XML + f'<workbook {main} {relationships}><sheets>'
                            '<sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            _XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": (_XML + f'<worksheet {main}><sheetData><row r="1">'
                                     '<c r="A1" t="s"><v>0</v></c><c r="B1"><v>42</v></c>'
                                     "</row></sheetData></worksheet>"),
        "xl/sharedStrings.xml": (_XML + f'<sst {main} count="1" uniqueCount="1">'
                                 f'<si><t xml:space="preserve">{escape(words)}</t></si></sst>'),
        "docProps/core.xml": _core(None),
    })


def png_bytes(with_text_chunk: str | None = None) -> bytes:
    """A small RGBA PNG, with a tEXt "Comment" chunk if given."""
    image = Image.new("RGBA", (40, 30), (200, 30, 30, 255))
    image.paste((30, 30, 200, 0), (20, 0, 40, 30))
    info = None
    if with_text_chunk is not None:
        info = PngInfo()
        info.add_text("Comment", with_text_chunk)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg_with_exif(gps: bool = True, owner: str = "Camera Owner Name", orientation: int = 1) -> bytes:
    """A 60×40 JPEG (left half red, right half blue as stored) with EXIF (Artist, Make,
    CameraOwnerName, GPS position if `gps`, the Orientation), an XMP packet and a comment
    naming `owner`."""
    image = Image.new("RGB", (60, 40), (220, 20, 20))
    image.paste((20, 20, 220), (30, 0, 60, 40))
    exif = Image.Exif()
    exif[0x013B] = owner
    exif[0x010F] = "Kameratillverkare"
    exif[0x0112] = orientation
    exif.get_ifd(0x8769)[0xA430] = owner
    if gps:
        exif.get_ifd(0x8825).update({1: "N", 2: (60.0, 36.0, 18.5), 3: "E", 4: (15.0, 37.0, 42.0)})
    xmp = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="{escape(owner)}"/>'
           f"</rdf:RDF></x:xmpmeta>").encode()
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95, exif=exif, xmp=xmp, comment=owner.encode())
    return buffer.getvalue()


def _crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """zlib's crc32_combine: the CRC of A+B from CRC(A), CRC(B) and len(B)."""
    def times(matrix, vector):
        total, row = 0, 0
        while vector:
            if vector & 1:
                total ^= matrix[row]
            vector >>= 1
            row += 1
        return total

    def square(matrix):
        return [times(matrix, matrix[n]) for n in range(32)]

    if length2 == 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = square(odd)
    odd = square(even)
    while True:
        even = square(odd)
        if length2 & 1:
            crc1 = times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = square(even)
        if length2 & 1:
            crc1 = times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


def _repeated_crc(crc: int, length: int, times: int) -> int:
    """The CRC of a block (CRC `crc`, `length` bytes) repeated `times` times."""
    total, total_length = 0, 0
    while times:
        if times & 1:
            total, total_length = _crc32_combine(total, crc, length), total_length + length
        crc, length = _crc32_combine(crc, crc, length), length * 2
        times >>= 1
    return total


def _raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of already deflated entries: (name, deflated bytes, crc32, uncompressed size)."""
    out, directory = bytearray(), bytearray()
    for name, data, crc, size in entries:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
        out += encoded + data
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                                 len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(out), 0)
    return bytes(out + directory + end)


def _deflated(data: bytes) -> tuple[bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)


def zip_bomb_docx(gigabytes: int = 3, declared_size: int | None = None) -> bytes:
    """A DOCX-looking zip whose word/document.xml (an open <w:t> followed by spaces) inflates
    to about `gigabytes` GiB (at most 3, so no ZIP64), from a few MB, with correct CRC and
    sizes (or the uncompressed size `declared_size`, a lie)."""
    prefix = _word_document("").split("<w:body>")[0].encode() + b"<w:body><w:p><w:r><w:t>"
    chunk = b" " * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert block == again, "a full flush resets the compressor, so equal input gives equal blocks"
    count = gigabytes * 1024
    data = head + block * count + compressor.flush()
    crc = _crc32_combine(zlib.crc32(prefix), _repeated_crc(zlib.crc32(chunk), len(chunk), count), len(chunk) * count)
    types = _content_types(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "word/document.xml")
    return _raw_zip([
        ("[Content_Types].xml", *_deflated(types.encode())),
        ("_rels/.rels", *_deflated((_RELS % "word/document.xml").encode())),
        ("word/document.xml", data, crc, declared_size or len(prefix) + len(chunk) * count),
    ])
