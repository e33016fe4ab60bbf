"""Statutory holidays and make-up working days for 2026 (State Council notice) and 2027
(the statutory dates only, marked provisional until the notice for 2027 is published;
admins correct them on the calendar page)."""

import datetime

from django.db import migrations

D = datetime.date


def _span(start, days, name, provisional=False):
    return [(start + datetime.timedelta(days=i), "holiday", name, provisional) for i in range(days)]


DAYS = [
    *_span(D(2026, 1, 1), 3, "元旦"),
    (D(2026, 1, 4), "workday", "元旦调休", False),
    (D(2026, 2, 14), "workday", "春节调休", False),
    *_span(D(2026, 2, 15), 9, "春节"),
    (D(2026, 2, 28), "workday", "春节调休", False),
    *_span(D(2026, 4, 4), 3, "清明节"),
    *_span(D(2026, 5, 1), 5, "劳动节"),
    (D(2026, 5, 9), "workday", "劳动节调休", False),
    *_span(D(2026, 6, 19), 3, "端午节"),
    (D(2026, 9, 20), "workday", "国庆节调休", False),
    *_span(D(2026, 9, 25), 3, "中秋节"),
    *_span(D(2026, 10, 1), 7, "国庆节"),
    (D(2026, 10, 10), "workday", "国庆节调休", False),
    # 2027: statutory days only, provisional
    (D(2027, 1, 1), "holiday", "元旦", True),
    *_span(D(2027, 2, 5), 4, "春节", True),
    (D(2027, 4, 5), "holiday", "清明节", True),
    *_span(D(2027, 5, 1), 2, "劳动节", True),
    (D(2027, 6, 9), "holiday", "端午节", True),
    (D(2027, 9, 15), "holiday", "中秋节", True),
    *_span(D(2027, 10, 1), 3, "国庆节", True),
]


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("matters", "CalendarDay")
    for date, kind, name, provisional in DAYS:
        CalendarDay.objects.update_or_create(
            date=date, defaults={"kind": kind, "name": name, "provisional": provisional}
        )


class Migration(migrations.Migration):
    dependencies = [("matters", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
