import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from gridgov.core import ratelimit
from gridgov.core.errors import TooMany
from gridgov.core.models import RateEvent


@pytest.mark.django_db
def test_the_limit_holds_per_key_and_a_refusal_is_not_counted():
    for n in range(1, 4):
        assert ratelimit.hit("test", "a", limit=3) == n
    with pytest.raises(TooMany):
        ratelimit.hit("test", "a", limit=3)
    assert ratelimit.count("test", "a", ratelimit.HOUR) == 3
    assert ratelimit.hit("test", "b", limit=3) == 1  # another key has its own count
    assert ratelimit.hit("other", "a", limit=3) == 1  # and another scope


@pytest.mark.django_db
def test_events_leave_the_window_and_sweep_forgets_old_ones(capsys):
    ratelimit.hit("test", "a", limit=1)
    RateEvent.objects.update(at=timezone.now() - datetime.timedelta(hours=2))
    assert ratelimit.allowed("test", "a", limit=1)
    RateEvent.objects.update(at=timezone.now() - datetime.timedelta(days=2))
    call_command("sweep")
    assert "purged 1 old rate-limit events" in capsys.readouterr().out
    assert not RateEvent.objects.exists()
