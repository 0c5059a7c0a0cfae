"""The mail transports against real receivers: files in the outbox folder, and an SMTP server
(aiosmtpd) running in the test process that accepts, refuses or drops the connection."""

import socket
from email.message import EmailMessage
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from wiki.mail import FileTransport, PermanentFailure, SMTPTransport, TemporaryFailure

pytestmark = pytest.mark.store_independent


def message(subject="Nytt exempel") -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "wiki@lansgrupp.example"
    mail["To"] = "maja@falun.example"
    mail["Subject"] = subject
    mail["Message-ID"] = "<abc123@lansgrupp.example>"
    mail.set_content("Hej!")
    return mail


class Receiver:
    """An SMTP handler whose answer to DATA the test sets: accept, 451, 550, or hang up."""

    def __init__(self):
        self.received = []
        self.answer = "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.answer == "drop":
            server.transport.close()
            return "421 closing"
        if self.answer.startswith("250"):
            self.received.append(envelope.content)
        return self.answer


@pytest.fixture
def smtp():
    receiver = Receiver()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(receiver, hostname="127.0.0.1", port=port)
    controller.start()
    receiver.url = f"smtp://127.0.0.1:{port}"
    yield receiver
    controller.stop()


def test_a_file_is_written_whole_once_per_key(tmp_path):
    transport = FileTransport(tmp_path / "outbox")
    transport.send(message(), "k1")
    transport.send(message(), "k1")
    files = sorted(p.name for p in (tmp_path / "outbox").iterdir())
    assert files == ["k1.eml"]
    assert message_from_bytes((tmp_path / "outbox" / "k1.eml").read_bytes())["Subject"] == "Nytt exempel"
    transport.forget("k1")
    assert not list((tmp_path / "outbox").iterdir())


def test_smtp_delivers_to_a_real_server(smtp):
    SMTPTransport(smtp.url).send(message(), "k1")
    assert len(smtp.received) == 1
    assert message_from_bytes(smtp.received[0])["Message-ID"] == "<abc123@lansgrupp.example>"


def test_a_refusal_or_a_dropped_connection_is_temporary_and_delivers_nothing(smtp):
    for answer in ("451 try again later", "drop"):
        smtp.answer = answer
        with pytest.raises(TemporaryFailure):
            SMTPTransport(smtp.url).send(message(), "k1")
    assert smtp.received == []
    smtp.answer = "550 no such user"
    with pytest.raises(PermanentFailure):
        SMTPTransport(smtp.url).send(message(), "k1")


def test_a_server_that_is_not_there_is_temporary():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TemporaryFailure):
        SMTPTransport(f"smtp://127.0.0.1:{port}").send(message(), "k1")


@pytest.mark.parametrize("url", ["http://x", "smtp://", "smtp://host?tls=y"])
def test_a_bad_smtp_url_is_refused(url):
    with pytest.raises(ValueError):
        SMTPTransport(url)


def test_only_old_unfinished_files_are_cleared(tmp_path):
    import os
    import time
    folder = tmp_path / "outbox"
    folder.mkdir()
    old, fresh = folder / ".sending-old.eml", folder / ".sending-new.eml"
    old.write_bytes(b"x")
    fresh.write_bytes(b"x")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    FileTransport(folder)
    assert not old.exists() and fresh.exists(), "a file another process is writing now stays"
