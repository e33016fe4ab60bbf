"""Timelines, histories and the audit list name people by name and role and the system by
what it was doing — never by an internal label or a login name."""

import re

from django.test import Client
from django.utils import translation

from gridgov.accounts.models import User
from gridgov.core import actors
from gridgov.matters import public
from gridgov.matters.tests.test_workflow import report, to_state

INTERNAL = re.compile(r"\b(system|cli|public|open311|payment|linkage):[\w:-]+")


def named(world):
    """People with names, as the demo and real deployments have them."""
    for key, name in [("worker_a1", "刘思思"), ("community_a", "王建国"), ("handler", "赵办理")]:
        User.objects.filter(pk=world.users[key].pk).update(display_name=name)


def test_display_reads_every_kind_of_actor(world, sign):
    named(world)
    with translation.override("zh-hans"):
        assert actors.display(world.user("worker_a1")) == "刘思思（专职网格员）"
        assert actors.display(None, "system:sweep") == "系统：定时巡检"
        assert actors.display(None, "cli:create-token").startswith("系统：")
        assert actors.display("public:sign:green-01") == "公众（扫码 · 南山绿化工程1号保护牌）"
        assert actors.display(None, "worker_a1") == "刘思思（专职网格员）"  # a stored login name
    with translation.override("en"):
        assert actors.display(world.user("worker_a1")) == "刘思思 (grid worker)"
        assert actors.display(None, "system:sweep") == "system: scheduled check"


def test_timeline_history_and_audit_list_show_names_and_roles(world, sign):
    named(world)
    m = to_state(world, report(world), "handled")
    dumping = world.categories["dumping"]
    by_public = public.submit(sign, dumping, "倾倒垃圾", [], "", "1.2.3.4", {"size": 3})
    street = Client()
    street.force_login(world.users["street_a"])
    street.cookies["django_language"] = "zh-hans"
    html = street.get(f"/matters/{m.code}/").content.decode()
    timeline = re.findall(r'class="actor">([^<]*)<', html)
    assert "刘思思（专职网格员）" in timeline and "赵办理（职能部门办理人）" in timeline
    assert not any(INTERNAL.search(t) or t in ("worker_a1", "handler") for t in timeline)
    html = street.get(f"/matters/{by_public.code}/").content.decode()
    assert "公众（扫码 · 南山绿化工程1号保护牌）" in html
    assert "public:sign" not in html
    audit = street.get("/audit/").content.decode()
    who = re.findall(r'<td[^>]*class="actor"[^>]*>([^<]*)</td>', audit)
    assert who and not any(INTERNAL.search(w) for w in who)
    assert "王建国（社区工作者）" in who
    assert street.get("/audit/", {"actor": "王建国"}).content.decode().count('class="actor"') > 0
