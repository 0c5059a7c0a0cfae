"""Attachments' files: the type read from the content, the name to keep, images without metadata.

Pure functions on paths; the caller stores the bytes. `FileRefused` carries the contract's
error `code` and a Swedish `message`.
"""

import unicodedata
import zipfile
import zlib

from PIL import Image, ImageOps

from events.messages import msg

TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
EXTENSIONS = {
    TYPES["pdf"]: (".pdf",),
    TYPES["docx"]: (".docx",),
    TYPES["odt"]: (".odt",),
    TYPES["xlsx"]: (".xlsx",),
    TYPES["png"]: (".png",),
    TYPES["jpeg"]: (".jpg", ".jpeg"),
}
IMAGE_TYPES = frozenset({"image/png", "image/jpeg"})

MAX_NAME = 150
MAX_PIXELS = 40_000_000
DEFAULT_STEM = "bilaga"
_PILLOW_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "MPO": "image/jpeg"}
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class FileRefused(ValueError):
    """A file the wiki does not keep: `code` is the machine word, `message` the Swedish text."""

    def __init__(self, code: str, message):
        super().__init__(message)
        self.code = code
        self.message = message


def _unsupported() -> FileRefused:
    return FileRefused("unsupported_type", msg(
        "Filens innehåll är inte av en tillåten typ (PDF, DOCX, ODT, XLSX, PNG eller JPEG)."))


def sniff(path: str) -> str:
    """The MIME type read from the content (never the name)."""
    with open(path, "rb") as file:
        head = file.read(8)
    if not head:
        raise FileRefused("empty_file", msg("Filen är tom."))
    if head.startswith(b"%PDF-"):
        return TYPES["pdf"]
    if head == _PNG_MAGIC:
        return TYPES["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return TYPES["jpeg"]
    if head.startswith(b"PK\x03\x04"):
        mime = _zip_type(path)
        if mime:
            return mime
    raise _unsupported()


def _zip_type(path: str) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if entries and entries[0].filename == "mimetype":
                with archive.open(entries[0]) as entry:
                    if entry.read(100) == TYPES["odt"].encode():
                        return TYPES["odt"]
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return TYPES["docx"]
                if "xl/workbook.xml" in names:
                    return TYPES["xlsx"]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, RuntimeError, EOFError, OSError, ValueError):
        return None
    return None


def clean_name(name: str, mime: str) -> str:
    """The name to keep: the base name, NFC, without control characters, at most 150
    characters with the extension kept; an extension of another type is refused, an unknown
    or missing one gets the type's first extension."""
    if name is None:
        name = ""
    if not isinstance(name, str):
        raise FileRefused("bad_name", msg("Filens namn är inte giltigt."))
    extensions = EXTENSIONS[mime]
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp", "Cs"))
    name = name.strip().rstrip(". ")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = "." + extension if extension else ""
    if extension.lower() not in extensions:
        if any(extension.lower() in known for other, known in EXTENSIONS.items() if other != mime):
            raise FileRefused("type_mismatch", msg(
                "Filens namn (%(extension)s) stämmer inte med dess innehåll.", extension=extension))
        stem, extension = name, extensions[0]
    stem = stem.strip().lstrip(".").strip() or DEFAULT_STEM
    return stem[:MAX_NAME - len(extension)].rstrip() + extension


def _bad_image() -> FileRefused:
    return FileRefused("bad_image", msg("Bilden kan inte läsas eller är för stor."))


def _open_image(path: str) -> Image.Image:
    image = Image.open(path, formats=("PNG", "JPEG"))
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise _bad_image()
    return image


def sanitise_image(source: str, mime: str, target: str) -> None:
    """Writes the image at `source` to `target` with its pixels only: turned upright by its
    EXIF orientation, re-encoded in the same format without EXIF, XMP, ICC profile, text
    chunks, comments or any other metadata."""
    if mime not in IMAGE_TYPES:
        raise _bad_image()
    try:
        with _open_image(source) as image:
            if _PILLOW_TYPES.get(image.format) != mime:
                raise _bad_image()
            image.load()
            upright = ImageOps.exif_transpose(image)
            clean = upright.copy()
    except FileRefused:
        raise
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, MemoryError):
        raise _bad_image() from None
    transparency = clean.info.get("transparency")
    clean.info = {} if transparency is None else {"transparency": transparency}
    if mime == "image/jpeg":
        clean.save(target, format="JPEG", quality=90)
    else:
        clean.save(target, format="PNG", optimize=False)


def thumbnail(source: str, target: str, size: int = 320) -> str:
    """A JPEG thumbnail (longest side at most `size`, never enlarged) of a sanitised image,
    transparency flattened on white."""
    try:
        with _open_image(source) as image:
            image.draft("RGB", (size, size))
            image.thumbnail((size, size))
            if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
                rgba = image.convert("RGBA")
                flat = Image.new("RGB", rgba.size, "white")
                flat.paste(rgba, mask=rgba.getchannel("A"))
            else:
                flat = image.convert("RGB")
    except FileRefused:
        raise
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError, MemoryError):
        raise _bad_image() from None
    flat.save(target, format="JPEG", quality=85)
    return "image/jpeg"
