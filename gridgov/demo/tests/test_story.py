"""The demo reads true: its matters happened in the story's order, at past moments, with
deadlines that follow from their categories' time limits; some came in today; the streets
held weekly and monthly meetings with agendas and resolutions."""

import json

# Runs inside the demo server's own database (gridgov shell), prints one line of JSON.
CHECK = """
import json
from django.db.models import Count, Q
from django.utils import timezone
from gridgov.matters import calendar
from gridgov.matters.models import Matter, MatterEvent, Meeting, MeetingItem
now = timezone.now()
out = {"order": [], "future": [], "deadline": [], "deadlines_checked": 0, "today": 0}
for m in Matter.objects.select_related("category"):
    events = list(MatterEvent.objects.filter(matter=m).order_by("id"))
    moments = [m.created_at] + [e.created_at for e in events]
    if any(b < a for a, b in zip(moments, moments[1:])):
        out["order"].append(m.code)
    steps = [m.created_at, m.registered_at, m.handled_at, m.closed_at]
    known = [t for t in steps if t]
    if known != sorted(known) or (m.closed_at and not m.handled_at):
        out["order"].append(m.code)
    if any(t > now for t in moments + known):
        out["future"].append(m.code)
    # the timeline's moments are the matter's own
    last = {e.transition: e.created_at for e in events}
    for name, stamp in (("register", m.registered_at), ("handle", m.handled_at),
                        ("close", m.closed_at)):
        # (an action stamps the matter a moment before it writes the event)
        if stamp and (name not in last or abs(last[name] - stamp).total_seconds() > 2):
            out["order"].append(m.code + ":" + name)
    done = set(last)
    if m.registered_at and not done & {"approve_extension", "meeting"}:
        out["deadlines_checked"] += 1
        if m.deadline != calendar.deadline_after(m.registered_at, m.category.deadline_days):
            out["deadline"].append(m.code)
    elif "meeting" in done:
        item = MeetingItem.objects.filter(matter=m).exclude(decided_at=None).latest("decided_at")
        if m.deadline != calendar.end_of_day(item.new_deadline):
            out["deadline"].append(m.code)
    if timezone.localdate(m.created_at) == timezone.localdate(now):
        out["today"] += 1
decided = Q(items__decided_at__isnull=False) & ~Q(items__note="")
out["meetings"] = list(
    Meeting.objects.filter(held_on__lt=timezone.localdate(now))
    .annotate(items_n=Count("items"), resolved=Count("items", filter=decided))
    .values_list("tier", "state", "items_n", "resolved")
)
out["spread_days"] = (now - Matter.objects.order_by("created_at").first().created_at).days
print(json.dumps(out))
"""


def test_demo_matters_and_meetings_read_as_a_story(live_demo):
    facts = json.loads(live_demo.manage("shell", "-c", CHECK).strip().splitlines()[-1])
    assert facts["order"] == [], "steps out of order"
    assert facts["future"] == [], "steps in the future"
    assert facts["deadlines_checked"] > 50 and facts["deadline"] == []
    assert 3 <= facts["today"] < 40  # a few, not the lot
    assert facts["spread_days"] >= 30
    held = [m for m in facts["meetings"] if m[1] == "held"]
    weekly = [m for m in held if m[0] == 2]
    monthly = [m for m in held if m[0] == 3]
    assert len(weekly) >= 8 and len(monthly) >= 2
    assert any(m[2] and m[3] == m[2] for m in weekly), "a weekly meeting resolved its agenda"
    assert any(m[2] and m[3] == m[2] for m in monthly), "a monthly meeting resolved its agenda"
