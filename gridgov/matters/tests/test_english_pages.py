"""English pages show English names wherever the data has one: categories, roles, region
levels, states, kinds. A proper name with no English name (a unit, a place, a person) stays
as it is written; text deliberately shown in Chinese is marked `lang="zh-Hans"`."""

import re
from html.parser import HTMLParser

from django.apps import apps
from django.test import Client
from django.utils import translation

from gridgov.accounts.roles import Role
from gridgov.matters.models import Category
from gridgov.matters.tests.test_workflow import report, to_state

CJK = re.compile(r"[\u3400-\u9fff]")
SPLIT = re.compile(r"[\s·、，,:：;；()（）/|→—\-]+")


def chinese_labels() -> dict[str, str]:
    """Every Chinese label the data has an English name for: zh → en."""
    pairs = {}
    choices = [list(Role.choices)]
    for model in apps.get_models():
        if not model.__module__.startswith("gridgov."):
            continue
        for field in model._meta.get_fields():
            if getattr(field, "choices", None):
                choices.append(list(field.flatchoices))
    for group in choices:
        for _value, label in group:
            with translation.override("zh-hans"):
                zh = str(label)
            with translation.override("en"):
                en = str(label)
            # an English name that carries the Chinese term itself ("registered (户籍)")
            if CJK.search(zh) and zh not in en:
                pairs[zh] = en
    for c in Category.objects.exclude(name_en=""):
        pairs[c.name] = c.name_en
        for f in c.fields:
            if f.get("label") and f.get("label_en"):
                pairs[f["label"]] = f["label_en"]
    return pairs


class Text(HTMLParser):
    """The text a person reads (and option labels), outside `lang="zh…"` elements."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "col", "area", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []  # per open element: inside a Chinese-marked element
        self.skip = 0  # inside script/style
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        zh = (self.stack[-1] if self.stack else False) or (attrs.get("lang") or "").startswith("zh")
        self.stack.append(zh)
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self.stack:
            self.stack.pop()
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and not (self.stack and self.stack[-1]):
            self.chunks.append(data)


def offending(html: str, labels: dict[str, str]) -> set[str]:
    parser = Text()
    parser.feed(html)
    tokens = set()
    for chunk in parser.chunks:
        tokens.update(t for t in SPLIT.split(chunk) if t)
    return {f"{t} (→ {labels[t]})" for t in tokens if t in labels}


def english(user) -> Client:
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = "en"
    return c


def test_english_pages_show_no_chinese_label_that_has_an_english_name(world, sign):
    dispatched = to_state(world, report(world), "dispatched")
    handled = to_state(
        world,
        report(world, category=world.categories["dumping"], attributes={"size": 2}),
        "handled",
    )
    labels = chinese_labels()
    assert "专职网格员" in labels and "消防通道堵塞" in labels  # the check has teeth
    walks = {
        "worker_a1": [
            "/",
            "/matters/",
            f"/matters/{dispatched.code}/",
            "/matters/new/",
            "/matters/new/?category=fire_lane",
            "/inbox/",
            "/people/residents/",
        ],
        "community_a": [
            "/",
            "/matters/",
            f"/matters/{handled.code}/",
            "/regions/",
            "/regions/coverage/",
            "/audit/",
        ],
        "street_a": [
            "/matters/signs/",
            "/matters/meetings/",
            "/matters/kpis/?by=unit",
            "/regions/party/",
        ],
        "handler": ["/", "/matters/", f"/matters/{dispatched.code}/"],
        "admin": ["/matters/categories/"],
        "leader": ["/", "/matters/kpis/", "/enforcement/kpis/", "/audit/"],
        "court_officer": ["/enforcement/"],
    }
    found = {}
    for who, paths in walks.items():
        c = english(world.users[who])
        for path in paths:
            page = c.get(path)
            assert page.status_code == 200, (who, path, page.status_code)
            assert page.headers.get("Content-Language", "en").startswith("en"), path
            bad = offending(page.content.decode(), labels)
            if bad:
                found[f"{who} {path}"] = sorted(bad)
    public = Client()
    public.cookies["django_language"] = "en"
    for path in ("/s/green-01/", "/s/"):
        bad = offending(public.get(path).content.decode(), labels)
        if bad:
            found[f"public {path}"] = sorted(bad)
    assert not found, found
