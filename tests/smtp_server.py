"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives, for the tests."""

import email
import socket
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd handler collecting parsed messages."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        message = email.message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[attr-defined]
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """Messages addressed to `address`."""
        return [m for m in self.messages if address in m["To"]]

    def body(self, message: EmailMessage) -> str:
        """The plain-text body of a message."""
        part = message.get_body(preferencelist=("plain",))
        assert part is not None
        return part.get_content()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_smtp_server() -> tuple[Controller, Inbox]:
    """Start the server in a background thread."""
    inbox = Inbox()
    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    return controller, inbox
