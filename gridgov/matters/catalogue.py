"""The category catalogue and the holiday calendar, maintained by system admins."""

from __future__ import annotations

import datetime
import re

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.actions import check_admin
from gridgov.core.errors import Invalid
from gridgov.core.models import AuditAction

from .models import CalendarDay, Category, CategoryGroup, DayKind, FieldType

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


def clean_fields(fields) -> list[dict]:
    """Checks the extra-field definitions of a category."""
    if not isinstance(fields, list):
        raise Invalid(_("Extra fields must be a list."))
    out, seen = [], set()
    for i, f in enumerate(fields, start=1):
        if not isinstance(f, dict):
            raise Invalid(_("Extra field %(n)d is not an object.") % {"n": i})
        code = str(f.get("code", "")).strip()
        kind = f.get("type", FieldType.TEXT)
        if not CODE_RE.match(code.replace("_", "-")) or code in seen:
            raise Invalid(
                _("Extra field %(n)d needs a unique code of letters and digits.") % {"n": i}
            )
        if kind not in FieldType.values:
            raise Invalid(_("Extra field %(n)d has an unknown type.") % {"n": i})
        choices = [str(c).strip() for c in f.get("choices", []) if str(c).strip()]
        if kind in (FieldType.CHOICE, FieldType.MULTI) and not choices:
            raise Invalid(_("Extra field %(n)d needs choices.") % {"n": i})
        seen.add(code)
        out.append(
            {
                "code": code,
                "label": str(f.get("label") or code)[:64],
                "label_en": str(f.get("label_en") or "")[:64],
                "type": kind,
                "required": bool(f.get("required")),
                "choices": choices,
            }
        )
    return out


def save_category(
    *,
    code: str,
    name: str,
    name_en: str,
    group: str,
    deadline_days: int,
    default_unit=None,
    fields=(),
    public: bool = False,
    sensitive: bool = False,
    active: bool = True,
    actor,
) -> Category:
    """Creates or updates the category with this code (system admins). A sensitive category
    (about named people or vulnerable households; every dispute category is one) cannot be
    one the public may report."""
    check_admin(actor)
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise Invalid(_("A code is lower-case letters, digits and hyphens."))
    if not (name or "").strip():
        raise Invalid(_("A name is required."))
    if group not in CategoryGroup.values:
        raise Invalid(_("Unknown group."))
    if not isinstance(deadline_days, int) or not 1 <= deadline_days <= 365:
        raise Invalid(_("The deadline is 1 to 365 working days."))
    if group == CategoryGroup.DISPUTE and not sensitive:
        raise Invalid(_("A dispute names its parties: mark the category sensitive."))
    if public and sensitive:
        raise Invalid(
            _(
                "A sensitive category is never shown publicly, so the public cannot report "
                "it: untick one of the two."
            )
        )
    values = {
        "name": name.strip(),
        "name_en": (name_en or name).strip(),
        "group": group,
        "deadline_days": deadline_days,
        "default_unit": default_unit,
        "fields": clean_fields(list(fields)),
        "public": public,
        "sensitive": sensitive,
        "active": active,
    }
    with transaction.atomic():
        existing = Category.objects.filter(code=code).first()
        before = audit.snapshot(existing) if existing else None
        category, _created = Category.objects.update_or_create(code=code, defaults=values)
        audit.record(
            AuditAction.CATEGORY_SAVED,
            actor=actor,
            obj=category,
            before=before,
            after=audit.snapshot(category),
        )
    return category


def save_day(
    day: datetime.date, kind: str, name: str, *, actor, provisional: bool = False
) -> CalendarDay:
    check_admin(actor)
    if kind not in DayKind.values:
        raise Invalid(_("Choose holiday or make-up working day."))
    if not (name or "").strip():
        raise Invalid(_("A name is required."))
    if kind == DayKind.HOLIDAY and day.weekday() >= 5:
        raise Invalid(_("A weekend day is already a day off."))
    if kind == DayKind.WORKDAY and day.weekday() < 5:
        raise Invalid(_("A weekday is already a working day."))
    with transaction.atomic():
        entry, _created = CalendarDay.objects.update_or_create(
            date=day, defaults={"kind": kind, "name": name.strip()[:32], "provisional": provisional}
        )
        audit.record(
            AuditAction.CALENDAR_DAY_SAVED, actor=actor, obj=entry, after=audit.snapshot(entry)
        )
    return entry


def remove_day(day: datetime.date, *, actor) -> None:
    check_admin(actor)
    with transaction.atomic():
        entry = CalendarDay.objects.filter(date=day).first()
        if entry is None:
            raise Invalid(_("That day is not in the calendar."))
        audit.record(
            AuditAction.CALENDAR_DAY_SAVED,
            actor=actor,
            obj=entry,
            before=audit.snapshot(entry),
            after=None,
        )
        entry.delete()
