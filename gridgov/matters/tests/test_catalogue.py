import datetime

import pytest
from django.test import Client

from gridgov.core.errors import Forbidden, Invalid
from gridgov.core.models import AuditAction, AuditEntry
from gridgov.matters import calendar, catalogue
from gridgov.matters.models import CalendarDay, Category
from gridgov.testing.world import english_client


def test_admin_saves_a_category_with_extra_fields(world):
    c = catalogue.save_category(
        code="noise",
        name="噪音扰民",
        name_en="noise",
        group="city",
        deadline_days=3,
        fields=[{"code": "hours", "label": "时段", "type": "choice", "choices": ["夜间", "白天"]}],
        public=True,
        actor=world.user("admin"),
    )
    assert c.fields[0]["choices"] == ["夜间", "白天"] and c.public
    c = catalogue.save_category(
        code="noise",
        name="噪音",
        name_en="noise",
        group="city",
        deadline_days=5,
        actor=world.user("admin"),
    )
    assert Category.objects.get(code="noise").deadline_days == 5
    assert AuditEntry.objects.filter(action=AuditAction.CATEGORY_SAVED).count() == 2


@pytest.mark.parametrize(
    "change",
    [
        {"code": "Bad Code"},
        {"group": "nope"},
        {"deadline_days": 0},
        {"fields": [{"code": "x", "type": "choice"}]},
        {"fields": [{"code": "x", "type": "blob"}]},
        {"fields": [{"code": "x"}, {"code": "x"}]},
        {"name": ""},
    ],
)
def test_bad_categories_are_refused(world, change):
    args = {
        "code": "noise",
        "name": "噪音",
        "name_en": "noise",
        "group": "city",
        "deadline_days": 3,
        **change,
    }
    with pytest.raises(Invalid):
        catalogue.save_category(**args, actor=world.user("admin"))
    assert not Category.objects.filter(code__in=["noise", "Bad Code"]).exists()


def test_only_admins_maintain_the_catalogue_and_calendar(world):
    with pytest.raises(Forbidden):
        catalogue.save_category(
            code="noise",
            name="x",
            name_en="x",
            group="city",
            deadline_days=3,
            actor=world.user("street_a"),
        )
    with pytest.raises(Forbidden):
        catalogue.save_day(datetime.date(2027, 2, 9), "holiday", "春节", actor=world.user("leader"))
    c = Client()
    c.force_login(world.users["community_a"])
    assert c.get("/matters/categories/").status_code == 403
    assert c.get("/matters/calendar/").status_code == 403


def test_calendar_days_change_working_days(world):
    tuesday = datetime.date(2027, 2, 9)
    assert calendar.is_working_day(tuesday)
    catalogue.save_day(tuesday, "holiday", "春节", actor=world.user("admin"))
    assert not calendar.is_working_day(tuesday)
    with pytest.raises(Invalid):  # a Saturday is no holiday to add
        catalogue.save_day(datetime.date(2027, 2, 13), "holiday", "春节", actor="test")
    catalogue.save_day(datetime.date(2027, 2, 13), "workday", "春节调休", actor="test")
    assert calendar.is_working_day(datetime.date(2027, 2, 13))
    catalogue.remove_day(tuesday, actor="test")
    assert calendar.is_working_day(tuesday)


def test_catalogue_pages(world):
    from gridgov.accounts.actions import grant_admin_site

    grant_admin_site(world.user("admin"), actor="test")
    c = Client()
    c.force_login(world.users["admin"])
    assert c.get("/matters/categories/").status_code == 200
    bad = c.post(
        "/matters/categories/",
        {
            "code": "noise",
            "name": "噪音",
            "group": "city",
            "deadline_days": "3",
            "fields": "{not json",
        },
    )
    assert bad.status_code == 400
    ok = c.post(
        "/matters/categories/",
        {
            "code": "noise",
            "name": "噪音",
            "group": "city",
            "deadline_days": "3",
            "fields": "[]",
            "active": "on",
        },
    )
    assert ok.status_code == 302 and Category.objects.filter(code="noise").exists()
    assert (
        c.post(
            "/matters/calendar/", {"date": "2027-03-02", "kind": "holiday", "name": "测试"}
        ).status_code
        == 302
    )
    assert CalendarDay.objects.filter(date="2027-03-02").exists()
    c.post("/matters/calendar/2027-03-02/remove/")
    assert not CalendarDay.objects.filter(date="2027-03-02").exists()


def category_args(**change):
    return {
        "code": "family",
        "name": "家庭纠纷",
        "name_en": "family dispute",
        "group": "dispute",
        "deadline_days": 10,
        "sensitive": True,
        **change,
    }


def test_a_sensitive_category_is_never_public(world):
    admin = world.user("admin")
    c = catalogue.save_category(**category_args(), actor=admin)
    assert c.sensitive and not c.public
    with pytest.raises(Invalid) as refused:
        catalogue.save_category(**category_args(public=True), actor=admin)
    assert "sensitive" in refused.value.message
    assert not Category.objects.get(code="family").public
    # a dispute names people: its category is sensitive
    with pytest.raises(Invalid) as refused:
        catalogue.save_category(**category_args(code="noise", sensitive=False), actor=admin)
    assert "sensitive" in refused.value.message
    assert not Category.objects.filter(code="noise").exists()
    # the database holds the rule too
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.filter(code="family").update(public=True)


def test_the_catalogue_page_marks_categories_sensitive(world):
    c = english_client()
    c.force_login(world.users["admin"])
    form = {
        "code": "elderly",
        "name": "独居老人帮扶",
        "name_en": "help for elderly living alone",
        "group": "request",
        "deadline_days": "5",
        "fields": "[]",
        "active": "on",
        "sensitive": "on",
    }
    refused = c.post("/matters/categories/", {**form, "public": "on"})
    assert refused.status_code == 400 and "sensitive" in refused.content.decode()
    assert not Category.objects.filter(code="elderly").exists()
    assert c.post("/matters/categories/", form).status_code == 302
    assert Category.objects.get(code="elderly").sensitive
    page = c.get("/matters/categories/?edit=elderly").content.decode()
    assert 'name="sensitive" checked' in page
