"""The ways an escalation reaches people: e-mail over SMTP (the standard library's smtplib),
an HTTP POST to a webhook, and a program run with the event on its standard input.

Each `send` returns None when the message was handed over, or a one-line reason when it
was not; nothing here raises for a server that is down, refuses or times out.
"""

from __future__ import annotations

import json
import os
import smtplib
import socket
import ssl
import subprocess
import urllib.error
import urllib.request
from email.header import Header
from email.message import Message
from typing import Any

from .config import Command, Email, Webhook


class Mailer:
    """One SMTP connection for a run of deliveries, opened at the first message and opened
    again after the server dropped it. When it cannot be opened (the server is down, TLS
    or the login fails), every later message of the run fails at once with that reason:
    one timeout per run, not one per message."""

    def __init__(self, config: Email) -> None:
        self.config = config
        self.server: smtplib.SMTP | None = None
        self.unreachable: str | None = None  # why connecting failed this run, if it did

    def send(self, message: Message[str, str | Header]) -> str | None:
        for retry in (False, True):
            if self.server is None:
                self.unreachable = self.unreachable or self._connect()
                if self.unreachable is not None:
                    return self.unreachable
            assert self.server is not None
            try:
                self.server.send_message(message)
                return None
            except smtplib.SMTPServerDisconnected as exc:
                self._drop()  # an idle connection the server closed: open a new one once
                if retry:
                    return f"the mail server closed the connection: {exc}"
            except smtplib.SMTPRecipientsRefused as exc:
                return _refused(exc.recipients)
            except smtplib.SMTPResponseException as exc:
                self._drop()
                return f"the mail server refused: {exc.smtp_code} {_text(exc.smtp_error)}"
            except smtplib.SMTPException as exc:
                self._drop()
                return f"the mail server refused: {exc}"
            except OSError as exc:
                self._drop()
                return (
                    f"the connection to the mail server at {self._where} failed: {_os_reason(exc)}"
                )
        return None  # not reached: the second pass returns

    @property
    def _where(self) -> str:
        return f"{self.config.host}:{self.config.port}"

    def _connect(self) -> str | None:
        """Open the connection, with TLS and the login configured; None, or why not."""
        config, timeout = self.config, self.config.timeout.total_seconds()
        try:
            context = ssl.create_default_context(cafile=config.ca_file)
        except ssl.SSLError:
            return f"cannot use ca_file {config.ca_file}: it holds no certificate (PEM)"
        except OSError as exc:
            return f"cannot use ca_file {config.ca_file}: {_os_reason(exc)}"
        try:
            login = _login(config)
        except _Unset as exc:
            return str(exc)
        server: smtplib.SMTP | None = None
        try:
            if config.security == "tls":
                server = smtplib.SMTP_SSL(
                    config.host, config.port, timeout=timeout, context=context
                )
            else:
                server = smtplib.SMTP(config.host, config.port, timeout=timeout)
                if config.security == "starttls":
                    server.starttls(context=context)
            if login is not None:
                server.login(*login)
        except smtplib.SMTPResponseException as exc:
            reason = f"the mail server refused: {exc.smtp_code} {_text(exc.smtp_error)}"
        except smtplib.SMTPServerDisconnected as exc:
            reason = f"cannot reach the mail server at {self._where}: {exc}"
        except smtplib.SMTPException as exc:
            reason = f"the mail server refused: {exc}"
        except ssl.SSLCertVerificationError as exc:
            reason = (
                f"the certificate of the mail server at {self._where} is not trusted:"
                f" {exc.verify_message} (ca_file names the authority to trust)"
            )
        except OSError as exc:
            reason = f"cannot reach the mail server at {self._where}: {_os_reason(exc)}"
        else:
            self.server = server
            return None
        if server is not None:
            server.close()
        return reason

    def _drop(self) -> None:
        if self.server is not None:
            try:
                self.server.close()
            finally:
                self.server = None

    def close(self) -> None:
        if self.server is not None:
            try:
                self.server.quit()
            except (smtplib.SMTPException, OSError):
                pass
            finally:
                self._drop()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """urllib follows a 301, 302 or 303 answer to a POST with a GET without the body, and
    its 2xx would count as delivered: a redirect is an answer to report instead."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def post(config: Webhook, body: dict[str, Any]) -> str | None:
    """POST the event as JSON; any 2xx answer is delivered."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "goalline"}
    # All of it: cut short, two events of a goal with a long name would share one key.
    headers["Idempotency-Key"] = body["key"].encode("utf-8").hex()
    if config.token_env:
        try:
            headers["Authorization"] = f"Bearer {_secret(config.token_env, 'notify.webhook')}"
        except _Unset as exc:
            return str(exc)
    request = urllib.request.Request(config.url, data=data, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=config.timeout.total_seconds()) as answer:
            answer.read()
            return None
    except urllib.error.HTTPError as exc:
        moved = exc.headers.get("Location") if 300 <= exc.code < 400 else None
        where = f" (to {moved}: put that URL in goalline.toml)" if moved else ""
        return f"the webhook answered {exc.code} {exc.reason}{where}"
    except urllib.error.URLError as exc:
        return f"cannot reach the webhook {config.url}: {_os_reason(exc.reason)}"
    except (OSError, ValueError) as exc:
        return f"cannot reach the webhook {config.url}: {_os_reason(exc)}"


def run(config: Command, body: dict[str, Any]) -> str | None:
    """Run the program with the event as JSON on its standard input; exit code 0 is
    delivered."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    program = config.run[0]
    try:
        done = subprocess.run(
            config.run,
            input=data,
            capture_output=True,
            timeout=config.timeout.total_seconds(),
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"{program} did not finish within {config.timeout.total_seconds():g} s"
    except OSError as exc:
        return f"cannot run {program}: {exc.strerror or exc}"
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return f"{program} exited with {done.returncode}" + (f": {said[-1]}" if said else "")
    return None


class _Unset(Exception):
    """An environment variable the configuration names holds no secret."""


def _secret(variable: str, table: str) -> str:
    # Sending an empty password or token only earns a puzzling refusal from the server.
    value = os.environ.get(variable)
    if not value:
        raise _Unset(f"the environment variable {variable} ([{table}] in goalline.toml) is not set")
    return value


def _login(config: Email) -> tuple[str, str] | None:
    if not (config.user_env and config.password_env):
        return None
    return _secret(config.user_env, "notify.email"), _secret(config.password_env, "notify.email")


def _refused(recipients: dict[str, tuple[int, bytes]]) -> str:
    address, (code, why) = next(iter(recipients.items()))
    return f"the mail server refused {address}: {code} {_text(why)}"


def _text(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return " ".join(text.split())


def _os_reason(exc: BaseException | str) -> str:
    if isinstance(exc, str):
        return exc
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
