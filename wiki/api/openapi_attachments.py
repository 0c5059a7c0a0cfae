"""The OpenAPI description of attachments (`attachments.py`)."""

from events.file_types import TYPES

from .openapi import SIGNED_IN, SLUG, UUID_PATTERN, enum_of, obj, operation, path, ref, string, text_field

TAG = "Bilagor"
ATTACHMENT_ID = path("attachment_id", string(64, min_length=1),
                     "Bilagans id, eller filens SHA-256 (64 hexadecimala tecken): då den första bilagan med det "
                     "innehållet som den som frågar får läsa.")
BINARY = {"type": "string", "format": "binary"}
MEETING_ID = path("meeting_id", string(36, min_length=32, pattern=UUID_PATTERN, format="uuid"), "Mötets id.")
MULTIPART = {"required": True, "content": {"multipart/form-data": {"schema": obj({"file": BINARY}, required=["file"])}}}


def schemas() -> dict:
    attachment = {"id": {"type": "string"}, "sha256": string(64, min_length=64), "name": {"type": "string"},
                  "type": enum_of(sorted(TYPES.values())), "size": {"type": "integer", "minimum": 1},
                  "position": {"type": "integer", "minimum": 0}}
    return {
        "AttachmentWritten": obj(attachment, required=list(attachment)),
        "Attachment": obj({**attachment, "added_at": {"type": "string"},
                           "state": enum_of(["current", "removed", "destroyed"]), "destroyed": {"type": "boolean"}},
                          required=list(attachment) + ["destroyed"]),
        "AttachmentList": obj({"items": {"type": "array", "items": ref("Attachment")},
                               "position": {"type": "integer"}}, required=["items"]),
        "AttachmentRemoved": obj({"id": {"type": "string"}, "removed": {"type": "boolean"},
                                  "position": {"type": "integer"}}, required=["id", "removed", "position"]),
        "AttachmentDestroyed": obj({"id": {"type": "string"}, "sha256": {"type": "string"},
                                    "destroyed": {"type": "boolean"}, "position": {"type": "integer"}},
                                   required=["id", "sha256", "destroyed", "position"]),
        "Destroy": obj({"reason": text_field(2000, required=True)}, required=["reason"], additional=False),
    }


def paths() -> dict:
    upload = operation(
        "uploadAttachment", TAG, "Lägg till en bilaga",
        description="De som får redigera exemplet: en fil i fältet `file` (multipart/form-data), högst "
                    "`WIKI_ATTACHMENT_MAX_MB` (20 MB). Typen läses ur innehållet: PDF, DOCX, ODT, XLSX, PNG eller "
                    "JPEG; annat, eller ett namn vars ändelse säger en annan typ, ger 400. Bilder sparas utan "
                    "EXIF och annan metadata. Samma innehåll igen ger den bilaga exemplet redan har (200). "
                    "Till ett publicerat exempel läses texten genast och identifieringskontrollen körs (422).",
        parameters=[SLUG], security=SIGNED_IN, errors=("403", "404", "409", "413", "422"), reads=False,
        ok=(201, "Tillagd.", ref("AttachmentWritten")))
    upload["requestBody"] = MULTIPART
    upload["responses"]["200"] = {"description": "Filen fanns redan bland exemplets bilagor.",
                                  "content": {"application/json": {"schema": ref("AttachmentWritten")}}}
    meeting_upload = operation(
        "uploadMeetingAttachment", TAG, "Lägg till en bilaga till ett möte",
        description="Samordnare och administratörer: en fil till mötets protokoll, som för exempel. Inloggade "
                    "läser den.",
        parameters=[MEETING_ID], security=SIGNED_IN, errors=("403", "404", "409", "413"), reads=False,
        ok=(201, "Tillagd.", ref("AttachmentWritten")))
    meeting_upload["requestBody"] = MULTIPART
    meeting_upload["responses"]["200"] = {"description": "Filen fanns redan bland mötets bilagor.",
                                          "content": {"application/json": {"schema": ref("AttachmentWritten")}}}
    download = operation(
        "downloadAttachment", TAG, "Hämta en bilagas fil",
        description="Filen som den sparades, med exemplets läsrättigheter (också för en adress med SHA-256). "
                    "Typen är den som lästes ur innehållet; `Content-Disposition: attachment` utom för bilder, "
                    "`nosniff` och CSP `sandbox`. Range ger 206.",
        parameters=[ATTACHMENT_ID], errors=("404",),
        ok=(200, "Filen.", BINARY, sorted(TYPES.values())))
    download["responses"]["206"] = {"description": "En del av filen (Range).",
                                    "content": {media: {"schema": BINARY} for media in sorted(TYPES.values())}}
    download["responses"]["416"] = {"description": "Range utanför filen."}
    return {
        "/examples/{slug}/attachments": {
            "get": operation("listAttachments", TAG, "Exemplets bilagor",
                             description="De nuvarande bilagorna (och förstörda, utan namn) som den som frågar "
                                         "får läsa.",
                             parameters=[SLUG], errors=("404",), ok=(200, "Bilagorna.", ref("AttachmentList"))),
            "post": upload,
        },
        "/attachments/{attachment_id}": {"get": download},
        "/meetings/{meeting_id}/attachments": {
            "get": operation("listMeetingAttachments", TAG, "Mötets bilagor", parameters=[MEETING_ID],
                             security=SIGNED_IN, errors=("404",), ok=(200, "Bilagorna.", ref("AttachmentList"))),
            "post": meeting_upload,
        },
        "/meetings/{meeting_id}/attachments/{attachment_id}": {
            "delete": operation("removeMeetingAttachment", TAG, "Ta bort en bilaga från mötet",
                                parameters=[MEETING_ID, path("attachment_id", string(64, min_length=1), "Bilagans id.")],
                                security=SIGNED_IN, errors=("403", "404", "409"), reads=False,
                                ok=(200, "Borttagen.", ref("AttachmentRemoved"))),
        },
        "/examples/{slug}/attachments/{attachment_id}": {
            "delete": operation("removeAttachment", TAG, "Ta bort en bilaga från exemplet",
                                description="En händelse: äldre versioner visar fortfarande bilagan, och filen "
                                            "finns kvar.",
                                parameters=[SLUG, path("attachment_id", string(64, min_length=1), "Bilagans id.")],
                                security=SIGNED_IN, errors=("403", "404", "409"), reads=False,
                                ok=(200, "Borttagen.", ref("AttachmentRemoved"))),
        },
        "/attachments/{attachment_id}/destroy": {
            "post": operation("destroyAttachment", TAG, "Förstör en fil",
                              description="Administratörer, med skäl: filens innehåll, text, miniatyr och nyckel "
                                          "raderas i alla exempel som har den; historiken säger \"bilaga förstörd\" "
                                          "med vem och varför, och granskningskedjan håller.",
                              parameters=[ATTACHMENT_ID], body=ref("Destroy"), security=SIGNED_IN,
                              errors=("403", "404", "409", "422"), reads=False,
                              ok=(200, "Förstörd.", ref("AttachmentDestroyed"))),
        },
    }
