"""Real servers on loopback for the channel tests: an SMTP server (aiosmtpd) and an HTTP server
that plays the SMS provider. Each records what arrived and can be told to refuse."""

from __future__ import annotations

import email
import email.policy
import http.server
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    """What the SMTP server received; ``answer`` set to e.g. "451 try later" refuses the next mails."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    answer: str | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  # aiosmtpd's hook name
        if self.answer:
            return self.answer
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def start_smtp(mailbox: Mailbox) -> Controller:
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


@dataclass
class SmsInbox:
    posts: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    status: int = 200


def start_sms(inbox: SmsInbox) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802  # http.server's hook name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            inbox.posts.append((dict(self.headers.items()), body))
            self.send_response(inbox.status)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format, *args):  # noqa: A002  # quiet
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/sms"
