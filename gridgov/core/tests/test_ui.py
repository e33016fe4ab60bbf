"""The shared look: money in one format, and a header whose menu works for everyone
(docs/ui.md)."""

import re

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from gridgov.core.money import format_money
from gridgov.enforcement import kpi_views
from gridgov.notifications.models import Notification


@pytest.mark.parametrize(
    "fen, zh, en",
    [
        (350_600_000_000, "35.06亿元", "¥3.51 bn"),  # the page's 3.506 billion yuan recovered
        (16_400_000_000, "1.64亿元", "¥164.00 m"),
        (123_456_789, "123.46万元", "¥1.23 m"),
        (1_234_567, "1.23万元", "¥12,345.67"),
        (987_650, "9,876.50元", "¥9,876.50"),
        (-55_400_000_000, "-5.54亿元", "-¥554.00 m"),
        (0, "0.00元", "¥0.00"),
    ],
)
def test_key_figure_money_reads_as_people_write_it(fen, zh, en):
    assert format_money(fen, large=True, language="zh-hans") == zh
    assert format_money(fen, large=True, language="en") == en


def test_ledger_money_is_exact_with_separators_in_both_languages():
    for lang in ("zh-hans", "en"):
        assert format_money(1_234_567, language=lang) == "¥12,345.67"
        assert format_money(5, language=lang) == "¥0.05"
        assert format_money(-100_000_000_01, language=lang) == "-¥100,000,000.01"
    assert format_money(None) == "—"
    change = format_money(5_540_000_000, large=True, signed=True, language="zh-hans")
    assert change == "+5,540.00万元"


def test_the_money_filter_follows_the_page_language():
    t = Template('{% load ui %}{{ a|money }} {{ b|money:"large" }}')
    with translation.override("zh-hans"):
        assert t.render(Context({"a": 1_234_567, "b": 350_600_000_000})) == "¥12,345.67 35.06亿元"
    with translation.override("en"):
        assert t.render(Context({"a": 1_234_567, "b": 350_600_000_000})) == "¥12,345.67 ¥3.51 bn"


def test_the_enforcement_dashboard_says_bn_in_english_not_hundred_million():
    with translation.override("en"):
        assert kpi_views.money(350_600_000_000) == "¥3.51 bn"
        assert kpi_views.money(55_400_000_000, signed=True) == "+¥554.00 m"
    with translation.override("zh-hans"):
        assert kpi_views.money(350_600_000_000) == "35.06亿元"


def test_counts_have_thousands_separators_in_chinese_too():
    t = Template("{% load ui %}{{ a|num }} {{ b|num }} {{ c|num }}")
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            assert t.render(Context({"a": 34400, "b": 1234567, "c": None})) == "34,400 1,234,567 —"


def _page(world, key, path="/"):
    c = Client()
    c.force_login(world.users[key])
    return c.get(path).content.decode()


def test_the_phone_menu_is_a_real_button_and_the_unread_count_is_outside_it(world):
    user = world.users["community_a"]
    Notification.objects.bulk_create(
        [Notification(user=user, kind="dispatched", text=f"n{i}") for i in range(1234)]
    )
    page = _page(world, "community_a", "/matters/")
    button = re.search(r"<button[^>]*class=\"menu-button\"[^>]*>", page)
    assert button, "the menu opens with a <button>, which a keyboard reaches and operates"
    assert 'aria-expanded="false"' in button.group(0)
    assert 'aria-controls="site-nav"' in button.group(0)
    assert 'type="checkbox"' not in page.split("<main")[0]
    header, nav = page.split('<nav class="site-nav"')[0], page.split('<nav class="site-nav"')[1]
    assert re.search(r'id="unread-count">1,234<', header), "the count stays on the closed bar"
    assert "unread-count" not in nav.split("</nav>")[0]
    assert '<div class="header-search">' in header


def test_navigation_is_grouped_with_the_current_page_marked(world):
    page = _page(world, "community_a", "/matters/meetings/")
    nav = page.split('<nav class="site-nav"')[1].split("</nav>")[0]
    current = re.findall(r'<a href="([^"]+)" aria-current="page"', nav)
    assert current == ["/matters/meetings/"]
    groups = re.findall(r'<li class="nav-group( current)?"><button[^>]*>([^<]+)</button>', nav)
    assert len(groups) >= 2, groups
    assert [g for g in groups if g[0]], "the group of the page is marked"
    # a page no entry names (a matter's page) marks its group, no entry
    matter_page = _page(world, "community_a", "/matters/no-such/")  # 404 page: nothing marked
    assert 'aria-current="page"' not in matter_page.split("</nav>")[0]
