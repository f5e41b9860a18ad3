"""Real servers on loopback for the `goalline notify` tests: an SMTP server (aiosmtpd, with
STARTTLS, implicit TLS and login when asked) that keeps every message it accepts, an HTTP
server that keeps every webhook request, and a throwaway certificate authority (trustme).

Everything listens on 127.0.0.1 only, and every wait is bounded."""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

WAIT = 10.0  # seconds: the longest any test waits for a server or a process


def free_port() -> int:
    """A port nothing listens on (the kernel picked it and it was let go at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(done: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s waiting for {what}")
        time.sleep(0.01)


# ---------------------------------------------------------------- SMTP


@dataclass(frozen=True)
class Mail:
    """One message as the server accepted it."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage
    tls: bool  # the session was encrypted (STARTTLS or implicit TLS)
    login: str | None  # the user it logged in as

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content()).replace("\r\n", "\n")

    @property
    def html(self) -> str:
        part = self.message.get_body(("html",))
        assert part is not None
        return str(part.get_content()).replace("\r\n", "\n")

    @property
    def event(self) -> str:
        return str(self.message["X-Goalline-Event"])


@dataclass
class Mailbox:
    """The aiosmtpd handler: keeps what it accepts; refuses what it is told to refuse.

    `refuse_rcpt` maps an address to the reply it gets to RCPT TO; `refuse_data` is the
    reply to every DATA; `hold_at` is the number of the message after which the server
    takes it and then says nothing until `release` is set (a client killed meanwhile has
    handed the message over without learning so)."""

    refuse_rcpt: dict[str, str] = field(default_factory=dict)
    refuse_data: str | None = None
    hold_at: int | None = None
    release: threading.Event = field(default_factory=threading.Event)
    mails: list[Mail] = field(default_factory=list)
    recipients_tried: int = 0  # RCPT TO commands, accepted or not

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        self.recipients_tried += 1
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse_data is not None:
            return self.refuse_data
        assert isinstance(envelope.content, bytes)
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        login = session.auth_data.login.decode() if session.auth_data else None
        # STARTTLS leaves session.ssl; implicit TLS only the transport's SSL object
        transport = server.transport
        tls = session.ssl is not None or (
            transport is not None and transport.get_extra_info("ssl_object") is not None
        )
        self.mails.append(
            Mail(
                str(envelope.mail_from),
                tuple(envelope.rcpt_tos),
                message,
                tls,
                login,
            )
        )
        if self.hold_at is not None and len(self.mails) == self.hold_at:
            deadline = time.monotonic() + WAIT
            while not self.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
        return "250 Message accepted for delivery"


def password_check(user: str, password: str) -> Callable[..., AuthResult]:
    """An aiosmtpd authenticator that lets exactly this user in."""

    def check(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            user.encode(),
            password.encode(),
        )
        return AuthResult(success=ok, auth_data=data if ok else None, handled=False)

    return check


@contextmanager
def smtp_server(
    mailbox: Mailbox, port: int | None = None, **smtp_options: Any
) -> Iterator[Controller]:
    """An SMTP server on 127.0.0.1 (on `port`, else a free one) until the block ends.
    `smtp_options` go to aiosmtpd's Controller: `ssl_context`, and those of its SMTP
    class (`tls_context`, `require_starttls`, `authenticator`, ...)."""
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port or free_port(),
        ready_timeout=WAIT,
        server_hostname="mail.test",
        **smtp_options,
    )
    controller.start()
    try:
        yield controller
    finally:
        mailbox.release.set()
        controller.stop()


@dataclass(frozen=True)
class Authority:
    """A certificate authority the tests trust, and a server certificate for 127.0.0.1."""

    ca_file: Path  # the authority's certificate, for `ca_file` in goalline.toml
    ca: trustme.CA

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        return context


def authority(folder: Path) -> Authority:
    ca = trustme.CA()
    path = folder / "test-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return Authority(path, ca)


# ---------------------------------------------------------------- HTTP


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Hook:
    """The webhook server's script and what it received: the status to answer each
    request with, in turn (200 once the list is used up; a 3xx points to /hook/moved),
    and how long to wait first."""

    url: str
    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0
    requests: list[Request] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


@contextmanager
def webhook_server(
    statuses: list[int] | None = None, delay: float = 0.0, port: int | None = None
) -> Iterator[Hook]:
    """An HTTP server on 127.0.0.1 that takes POSTs on /hook until the block ends."""
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with lock:
                hook.requests.append(Request(self.path, dict(self.headers.items()), body))
                status = hook.statuses.pop(0) if hook.statuses else 200
            if hook.delay:
                hook.release.wait(hook.delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                if 300 <= status < 400:
                    self.send_header("Location", f"{hook.url}/moved")
                self.end_headers()
                self.wfile.write(b"thanks\n")
            except OSError:  # the client gave up waiting
                pass

        do_GET = do_POST  # what a client that follows a redirect with a GET sends

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the test output clean

    server = ThreadingHTTPServer(("127.0.0.1", port or 0), Handler)
    hook = Hook(f"http://127.0.0.1:{server.server_address[1]}/hook", list(statuses or []), delay)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield hook
    finally:
        hook.release.set()
        server.shutdown()
        server.server_close()
        thread.join(WAIT)
