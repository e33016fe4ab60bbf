"""Sending SMS: a small gateway interface. The default gateway appends each message to
var/sms.log (one JSON line each); a deployment points GRIDGOV_SMS_GATEWAY at a class of its
own with the same `send(phone, text)` method, wrapping its operator's API."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogFileGateway:
    """Writes messages to a file instead of sending them."""

    _lock = threading.Lock()

    def __init__(self, path: Path | None = None):
        self.path = Path(path or Path(settings.VAR_DIR) / "sms.log")

    def send(self, phone: str, text: str) -> None:
        line = json.dumps(
            {"at": timezone.now().isoformat(), "to": phone, "text": text}, ensure_ascii=False
        )
        with self._lock, self.path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")


def gateway() -> SmsGateway:
    return import_string(
        getattr(settings, "GRIDGOV_SMS_GATEWAY", "gridgov.notifications.sms.LogFileGateway")
    )()
