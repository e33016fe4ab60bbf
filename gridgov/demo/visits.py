"""Demo visits and patrols: the last month of the grid workers' walking work.

A few households a grid are made 低保 (low-income) households. Every household with a
member in a group visited on a schedule (the elderly living alone weekly, people with
disabilities fortnightly, 低保 households monthly, veterans quarterly …) has a history of
visits in working hours, most kept up, in every grid at least one now due and one overdue
(red on the worker's home page); each worker also calls at a few other households.
Patrols are walks inside the worker's grid polygon on most working days, in the morning or
the afternoon, one point a minute, and a patrol surrounds each matter the worker reported
in their grid in daytime, so that the matter shows as reported on the way. Loaded through
the actions (`record_visits` in batches, `record_patrol`), so the audit trail covers all.
"""

from __future__ import annotations

import datetime
import math
import random

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from shapely.geometry import Point
from shapely.prepared import prep

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import Role
from gridgov.matters.models import Category, Matter
from gridgov.people import actions as people
from gridgov.people.models import Household, Resident
from gridgov.regions.geo import geometry_from_geojson
from gridgov.visits import actions
from gridgov.visits.models import Need

ACTOR = "system:demo"
DAYS = 30
OVERDUE_SHARE, DUE_SHARE = 0.08, 0.10
LOW_INCOME_SHARE = 0.03
NOTES = {
    "elderly_alone": [
        "老人身体状况良好，精神不错",
        "叮嘱注意保暖和用电安全",
        "老人血压偏高，提醒按时服药",
    ],
    "disabled": ["了解康复情况，家属照料到位", "核实残疾人补贴已按月到账", "送去康复器材使用说明"],
    "veteran": ["走访慰问，了解就业情况", "宣传退役军人优待政策", "家中一切正常"],
    "": [
        "了解家庭基本情况，信息已核实",
        "宣传防诈骗知识",
        "宣传垃圾分类和消防安全",
        "登记新迁入人员",
    ],
}
NEEDS = [
    ("独居老人行动不便，需要陪同就医", "help-request"),
    ("楼道口堆放杂物堵塞消防通道", "fire-lane"),
    ("家中电线老化，需要检修", "help-request"),
    ("楼道内有电动车充电", "ebike-charging"),
    ("希望社区帮忙联系助餐服务", "help-request"),
]


def _working_day(day: datetime.date) -> bool:
    return day.weekday() < 5


def _at(day: datetime.date, rng: random.Random, start=9.0, end=17.5) -> datetime.datetime:
    """A time on `day` in working hours (lunch from 12 to 14:30 left out)."""
    while True:
        hour = rng.uniform(start, end)
        if not 12.0 <= hour < 14.5:
            break
    h, m = int(hour), int((hour % 1) * 60)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(h, m)))


def _past_working_day(day: datetime.date) -> datetime.date:
    while not _working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def _schedule(every: int, state: str, today: datetime.date, rng: random.Random):
    """The visit days of one scheduled household, oldest first, ending so that the
    household is now `state`: "overdue", "due" or "" (kept up)."""
    if state == "overdue":
        last = today - datetime.timedelta(days=every + rng.randint(9, 20))
    elif state == "due":
        last = today - datetime.timedelta(days=every + rng.randint(0, 4))
    else:
        last = today - datetime.timedelta(days=rng.randint(1, max(1, every - 1)))
    days = [_past_working_day(last)]  # even when it lies before the month shown
    day = last
    while day >= today - datetime.timedelta(days=max(DAYS, every)):
        days.append(_past_working_day(day))
        day -= datetime.timedelta(days=every + rng.randint(-1, 1))
    return sorted(set(days))


def _states(households: list[int], rng: random.Random) -> dict[int, str]:
    """Which of a grid's scheduled households the demo leaves overdue or due: at least one
    of each where there are two or more, about OVERDUE_SHARE and DUE_SHARE in all."""
    order = list(households)
    rng.shuffle(order)
    n_overdue = max(1, round(len(order) * OVERDUE_SHARE)) if len(order) > 1 else 0
    n_due = max(1, round(len(order) * DUE_SHARE)) if len(order) > 1 else 0
    return {
        h: "overdue" if i < n_overdue else "due" if i < n_overdue + n_due else ""
        for i, h in enumerate(order)
    }


def _low_income(rng: random.Random) -> None:
    """低保 households: the demo's people carry no such group, so a few households a grid
    get one (their head is a low-income household member), through the base-data action."""
    heads = list(
        Resident.objects.filter(relation="户主", household__isnull=False)
        .select_related("household")
        .prefetch_related("special_groups")
        .order_by("pk")
    )
    for head in heads:
        if rng.random() < LOW_INCOME_SHARE:
            codes = sorted({g.code for g in head.special_groups.all()} | {"low_income"})
            people.set_special_groups(head, codes, actor=ACTOR)


def _visits(workers: dict, rng: random.Random, today: datetime.date, now) -> int:
    categories = {c.code: c for c in Category.objects.filter(active=True)}
    scheduled = dict(
        Household.objects.filter(members__special_groups__visit_every_days__isnull=False)
        .annotate(every=Min("members__special_groups__visit_every_days"))
        .values_list("pk", "every")
    )
    groups = {}
    for hid, code in Household.objects.filter(pk__in=scheduled).values_list(
        "pk", "members__special_groups__code"
    ):
        if code:
            groups.setdefault(hid, code)
    households = list(Household.objects.order_by("pk").prefetch_related("members"))
    depth = len(next(iter(workers)))  # every grid sits at the same depth of the tree
    by_grid: dict[str, list[int]] = {}
    for h in households:
        if h.pk in scheduled:
            by_grid.setdefault(h.region_path[:depth], []).append(h.pk)
    states = {}
    for grid_households in by_grid.values():
        states.update(_states(grid_households, rng))
    items = []
    for h in households:
        worker = workers.get(h.region_path[:depth])
        if worker is None:
            continue
        if h.pk in scheduled:
            days = _schedule(scheduled[h.pk], states[h.pk], today, rng)
        elif rng.random() < 0.06:  # an ordinary call: a check of the household's details
            days = [_past_working_day(today - datetime.timedelta(days=rng.randint(1, DAYS)))]
        else:
            continue
        members = list(h.members.all())
        for day in days:
            at = _at(day, rng)
            if at >= now:
                at = now - datetime.timedelta(minutes=rng.randint(30, 180))
            nobody = not members or rng.random() < 0.12
            needs = []
            if not nobody and rng.random() < 0.06:
                text, code = rng.choice(NEEDS)
                needs.append(actions.NeedInput(text, categories.get(code)))
            items.append(
                actions.VisitInput(
                    h,
                    visited_at=at,
                    met=[]
                    if nobody
                    else rng.sample(members, k=min(len(members), rng.randint(1, 2))),
                    nobody_home=nobody,
                    notes=rng.choice(NOTES.get(groups.get(h.pk, ""), NOTES[""])),
                    needs=needs,
                    worker=worker,
                )
            )
    items.sort(key=lambda d: d.visited_at)
    for start in range(0, len(items), 1000):
        actions.record_visits(items[start : start + 1000], actor=ACTOR)
    # the needs of the last few days are reported as matters by the worker who found them
    recent = Need.objects.filter(
        matter__isnull=True,
        category__isnull=False,
        visit__visited_at__gte=now - datetime.timedelta(days=4),
    ).select_related("visit__household", "visit__region", "visit__worker")
    # (reported now, through the action: backdating a matter by hand would leave its events,
    # deadline and audit entry at another time than the matter itself)
    for need in recent:
        actions.report_need(need, actor=need.visit.worker)
    return len(items)


def _walk(polygon, box, start_at, minutes, rng: random.Random):
    """Points a minute apart along straight legs between random spots inside the grid,
    at a walking pace; now and then a leg along a street just outside the edge."""
    minx, miny, maxx, maxy = box
    inside = prep(polygon)
    kx = 111_320.0 * math.cos(math.radians((miny + maxy) / 2))
    ky = 110_574.0

    def spot():
        for _ in range(200):
            p = (rng.uniform(minx, maxx), rng.uniform(miny, maxy))
            if inside.contains(Point(*p)):
                return p
        c = polygon.centroid
        return (c.x, c.y)

    points, here, t = [], spot(), start_at
    stray = rng.random() < 0.1
    while len(points) < minutes:
        there = spot()
        if stray and len(points) > minutes // 2:  # a few minutes along the outside street
            there = (maxx + 0.0004, there[1])
            stray = False
        metres = math.hypot((there[0] - here[0]) * kx, (there[1] - here[1]) * ky)
        steps = max(1, int(metres / rng.uniform(55, 80)))
        for k in range(1, steps + 1):
            f = k / steps
            lon = here[0] + (there[0] - here[0]) * f + rng.gauss(0, 0.00003)
            lat = here[1] + (there[1] - here[1]) * f + rng.gauss(0, 0.00003)
            t += datetime.timedelta(seconds=rng.randint(50, 70))
            points.append(
                actions.PointInput(round(lat, 6), round(lon, 6), at=t, accuracy=rng.randint(5, 25))
            )
            if len(points) >= minutes:
                break
        here = there
    return points


def _patrols(grids: dict, rng: random.Random, today: datetime.date, now) -> int:
    count = 0
    for path, (grid, worker) in grids.items():
        polygon = geometry_from_geojson(grid.grid.polygon)
        box = polygon.bounds
        walks = []
        for back in range(DAYS, -1, -1):
            day = today - datetime.timedelta(days=back)
            if _working_day(day) and rng.random() < 0.7:
                morning = rng.random() < 0.6
                start = _at(day, rng, *((8.75, 10.5) if morning else (14.5, 16.0)))
                walks.append((start, rng.randint(40, 110)))
        # a walk around each matter the worker reported here in daytime this month
        for created in Matter.objects.filter(
            reporter=worker,
            region_path__startswith=path,
            created_at__gte=now - datetime.timedelta(days=DAYS),
        ).values_list("created_at", flat=True):
            local = timezone.localtime(created)
            if 8 <= local.hour < 18:
                walks.append(
                    (created - datetime.timedelta(minutes=rng.randint(10, 40)), rng.randint(50, 90))
                )
        walks.sort()
        last_end = None
        for start, minutes in walks:
            end = start + datetime.timedelta(minutes=minutes)
            if end >= now or (last_end and start <= last_end):
                continue
            points = _walk(polygon, box, start, minutes - 1, rng)
            actions.record_patrol(
                grid,
                worker=worker,
                started_at=start,
                ended_at=end,
                points=points,
                actor=ACTOR,
                notes=rng.choice(
                    ["", "", "巡查正常", "已提醒商户规范停放电动车", "发现问题已上报"]
                ),
            )
            last_end = end
            count += 1
    return count


def build(rng: random.Random, log=print) -> None:
    now = timezone.now()
    today = timezone.localdate()
    grids = {}
    for a in RoleAssignment.objects.filter(role=Role.GRID_WORKER).select_related(
        "user", "region__grid"
    ):
        if hasattr(a.region, "grid"):
            grids.setdefault(a.region.path, (a.region, a.user))
    with transaction.atomic():  # one commit, not one per action: the load stays quick
        _low_income(rng)
        visits = _visits({p: w for p, (_g, w) in grids.items()}, rng, today, now)
        patrols = _patrols(grids, rng, today, now)
    log(f"  {visits} visits, {patrols} patrols")
