"""Errors that commands raise; adapters at the edge turn them into HTTP answers."""


class DomainError(Exception):
    """Base class: `code` is the machine word of the contract's error JSON."""

    code = "error"

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class ValidationError(DomainError):
    code = "invalid"

    def __init__(self, message: str, field: str | None = None, **details):
        super().__init__(message, **details)
        self.field = field


class NotFound(DomainError):
    code = "not_found"


class NotAllowed(DomainError):
    code = "forbidden"


class NotSignedIn(DomainError):
    code = "unauthorized"


class Conflict(DomainError):
    code = "conflict"


class EditConflict(Conflict):
    code = "edit_conflict"

    def __init__(self, message: str, current_version: int, fields: list[str] | None = None):
        """`fields`: the content fields both sides changed (an edit's conflict), if known."""
        details = {"current_version": current_version}
        if fields is not None:
            details["fields"] = list(fields)
        super().__init__(message, **details)
        self.current_version = current_version
        self.fields = list(fields or [])


class IdentifyingDetails(DomainError):
    """The identification check found details that may identify a person (contract: 422)."""

    code = "identifying_details"

    def __init__(self, message: str, findings: list[dict]):
        super().__init__(message, findings=findings)
        self.findings = findings


class RevisionSuppressed(DomainError):
    """The revision's text was suppressed: its key is destroyed (HTTP 410)."""

    code = "revision_suppressed"


class Locked(Conflict):
    """Approved minutes are locked: a change is a correction with a reason (HTTP 409)."""

    code = "locked"
