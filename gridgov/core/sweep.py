"""`gridgov sweep`: the periodic housekeeping every app registers with, run every minute
from cron or a systemd timer. Each sweeper is idempotent and returns one line to print.

    # in an app's AppConfig.ready()
    from gridgov.core import sweep
    sweep.register("matters", escalation.sweep_line)
"""

from __future__ import annotations

from collections.abc import Callable

_SWEEPERS: dict[str, Callable[[], str]] = {}


def register(name: str, fn: Callable[[], str]) -> None:
    _SWEEPERS[name] = fn


def run() -> list[str]:
    """Runs every sweeper in registration order; one line each."""
    return [fn() for fn in _SWEEPERS.values()]
