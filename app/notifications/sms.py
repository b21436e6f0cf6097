"""SMS adapters chosen by configuration (SMS_PROVIDER): `log` by default, `http` for a gateway."""
from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Flask

from app.notifications.http import PostFailed, describe, poster
from app.privacy import mask_phone

log = logging.getLogger(__name__)


class SmsFailed(Exception):
    """The provider did not take the message; the worker retries it later."""


@dataclass(frozen=True)
class SentSms:
    phone: str
    text: str
    reference: str


class SmsProvider(Protocol):
    def send(self, phone: str, text: str, *, reference: str) -> None: ...


class LogSmsProvider:
    """Logs that each message left (masked number, length of the text) and keeps it whole
    in memory for inspection; the log never holds a full number or a message body."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sent: list[SentSms] = []

    def send(self, phone: str, text: str, *, reference: str) -> None:
        log.info("SMS to %s [%s]: %d characters", mask_phone(phone), reference, len(text))
        with self._lock:
            self._sent.append(SentSms(phone, text, reference))

    @property
    def sent(self) -> list[SentSms]:
        with self._lock:
            return list(self._sent)

    def clear(self) -> None:
        with self._lock:
            self._sent.clear()


class HttpSmsProvider:
    """POSTs {"to", "text", "reference"} as JSON with a bearer token; any 2xx is accepted.

    `to` is E.164 (+84…); `reference` is the outbox message id, for the gateway to
    deduplicate a message the worker sends again after a crash. Kept-alive connections
    (app.notifications.http), shared by the worker's sending threads.
    """

    def __init__(self, url: str, token: str | None, timeout: float) -> None:
        self.url = url
        self._headers = {"Content-Type": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._client = poster(timeout)

    def send(self, phone: str, text: str, *, reference: str) -> None:
        body = {"to": e164(phone), "text": text, "reference": reference}
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        try:
            answer = self._client.post(self.url, data, self._headers)
        except PostFailed as exc:
            raise SmsFailed(describe(exc)) from exc
        if not answer.is_success:
            raise SmsFailed(f"gateway answered HTTP {answer.status}: {answer.text[:200]}")

    def close(self) -> None:
        self._client.close()


def e164(phone: str) -> str:
    return "+84" + phone[1:] if phone.startswith("0") else phone


def sms_provider(app: Flask) -> SmsProvider:
    """The app's provider, made once from its configuration and shared by its workers."""
    with _making:
        provider: Any = app.extensions.get("hcc.sms")
        if provider is None:
            provider = _make(app.config)
            app.extensions["hcc.sms"] = provider
    return provider


_making = threading.Lock()


def _make(config: Any) -> SmsProvider:
    kind = config["SMS_PROVIDER"]
    if kind == "log":
        return LogSmsProvider()
    if kind == "http":
        if not config.get("SMS_HTTP_URL"):
            raise RuntimeError("SMS_PROVIDER=http needs SMS_HTTP_URL.")
        return HttpSmsProvider(config["SMS_HTTP_URL"], config.get("SMS_HTTP_TOKEN"),
                               config["SMS_HTTP_TIMEOUT_SECONDS"])
    raise RuntimeError(f"Unknown SMS_PROVIDER {kind!r}: use 'log' or 'http'.")
