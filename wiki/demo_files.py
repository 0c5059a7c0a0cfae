"""Small PDF documents written by hand (Helvetica text, one content stream a page): the demo's
reports, and the test samples built on them."""


def pdf_objects(objects: list[bytes], root: int, info: int | None = None) -> bytes:
    """A PDF of `objects` (object n is objects[n - 1]) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"/Size %d /Root %d 0 R" % (len(objects) + 1, root)
    if info:
        trailer += b" /Info %d 0 R" % info
    out += b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def text_pdf(pages: list[list[str]], author: str | None = None, producer: str = "lansgrupp-wiki") -> bytes:
    """A PDF with one page per item of `pages`, each a list of lines; /Info /Author if given."""
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * n) for n in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for n, lines in enumerate(pages):
        content = (b"BT /F1 12 Tf 14 TL 72 720 Td " + b" T* ".join(pdf_string(line) + b" Tj" for line in lines)
                   + b" ET")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (first_page + 2 * n + 1))
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    info = None
    if author is not None:
        objects.append(b"<< /Author " + pdf_string(author) + b" /Producer " + pdf_string(producer) + b" >>")
        info = len(objects)
    return pdf_objects(objects, root=1, info=info)
