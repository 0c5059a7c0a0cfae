"""Mail transports: `.eml` files in the data folder (the embedded default) or an SMTP server.

A transport takes a finished `EmailMessage` and the message's key (its outbox id). Writing a
file is idempotent (the file is named by the key and renamed into place whole), so a sender
that crashed after writing and writes again leaves one file. SMTP is not idempotent: a crash
after the server accepted a message and before the outbox recorded it sends it again, with the
same Message-ID, which is what mail systems use to recognise a duplicate.
"""

import os
import smtplib
import ssl
import time
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

SMTP_TIMEOUT = 20
STALE_SECONDS = 300  # a file half-written this long ago belongs to a writer that died


class TemporaryFailure(Exception):
    """The message was not accepted now; the outbox tries again later."""


class FileTransport:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        for unfinished in self.folder.glob(".sending-*"):  # a writer killed before its rename
            try:
                if time.time() - unfinished.stat().st_mtime > STALE_SECONDS:  # not one being written now
                    unfinished.unlink(missing_ok=True)
            except FileNotFoundError:
                pass

    def send(self, message: EmailMessage, key: str) -> None:
        """Writes `<key>.eml` whole: into `.sending-<key>.eml` first, then renamed. A writer killed in
        between leaves only that file, which the next attempt for the same key overwrites."""
        self.folder.mkdir(parents=True, exist_ok=True)
        unfinished = self.folder / f".sending-{key}.eml"
        with open(unfinished, "wb") as file:
            file.write(message.as_bytes())
            file.flush()
            os.fsync(file.fileno())
        os.replace(unfinished, self.folder / f"{key}.eml")

    def forget(self, key: str) -> None:
        """Deletes a written message (its recipient's account was erased)."""
        (self.folder / f"{key}.eml").unlink(missing_ok=True)
        (self.folder / f".sending-{key}.eml").unlink(missing_ok=True)


class SMTPTransport:
    """`smtp://user:password@host:587?starttls=y` (or `smtps://…:465`)."""

    def __init__(self, url: str):
        parsed = urlparse(url)
        if parsed.scheme not in ("smtp", "smtps") or not parsed.hostname:
            raise ValueError("WIKI_SMTP_URL must be smtp://[user:password@]host[:port][?starttls=y] or smtps://…")
        options = parse_qs(parsed.query)
        unknown = set(options) - {"starttls"}
        if unknown:
            raise ValueError(f"WIKI_SMTP_URL: unknown option {sorted(unknown)[0]!r}")
        self.implicit_tls = parsed.scheme == "smtps"
        self.host = parsed.hostname
        self.port = parsed.port or (465 if self.implicit_tls else 25)
        self.username = unquote(parsed.username or "")
        self.password = unquote(parsed.password or "")
        self.starttls = options.get("starttls", ["n"])[-1].lower() in ("y", "yes", "true", "1")

    def send(self, message: EmailMessage, key: str) -> None:
        try:
            if self.implicit_tls:
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT,
                                          context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
            with client:
                if self.starttls:
                    client.starttls(context=ssl.create_default_context())
                if self.username:
                    client.login(self.username, self.password)
                refused = client.send_message(message)
        except smtplib.SMTPResponseException as error:
            if 500 <= error.smtp_code < 600:
                raise PermanentFailure(f"{error.smtp_code} {error.smtp_error!r}") from error
            raise TemporaryFailure(f"{error.smtp_code} {error.smtp_error!r}") from error
        except smtplib.SMTPRecipientsRefused as error:
            raise PermanentFailure(str(error.recipients)) from error
        except (OSError, smtplib.SMTPException) as error:
            raise TemporaryFailure(repr(error)) from error
        if refused:
            raise PermanentFailure(str(refused))

    def forget(self, key: str) -> None:
        """Nothing is kept: the message left with the server."""


class PermanentFailure(Exception):
    """The server refused the message for good (5xx); the outbox records it as failed."""


def transport(smtp_url: str | None, data_dir: str):
    return SMTPTransport(smtp_url) if smtp_url else FileTransport(Path(data_dir) / "outbox")
