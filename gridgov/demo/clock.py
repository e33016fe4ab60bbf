"""The demo's story clock: the demo's past is played through the real actions, each step at
the moment it happens in the story, so that timelines, deadlines, notices and audit entries
all carry the story's times (and the audit chain stays in order of time).

Only the demo loader uses it, in its own process, on a single thread: it sets
`django.utils.timezone.now` — which the actions, `auto_now` fields and the audit trail read
— to the story's current moment, and puts the real clock back on leaving.
"""

from __future__ import annotations

import contextlib
import datetime

from django.utils import timezone


class StoryClock:
    def __init__(self, real):
        self.real = real
        self.moment: datetime.datetime | None = None

    def __call__(self) -> datetime.datetime:
        return self.moment or self.real()

    def at(self, moment: datetime.datetime) -> None:
        """Moves the story to `moment`; never past the real now, never backwards."""
        moment = min(moment, self.real())
        if self.moment is None or moment > self.moment:
            self.moment = moment


@contextlib.contextmanager
def story():
    real = timezone.now
    clock = StoryClock(real)
    timezone.now = clock
    try:
        yield clock
    finally:
        timezone.now = real
