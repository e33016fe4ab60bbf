"""Demo matters: the category catalogue, a handler per department, and matters at every
step of their life, reported, registered, dispatched and handled through the actions by
the demo's own grid workers, community staff and department handlers."""

from __future__ import annotations

import datetime
import random

from django.db.models import F
from django.utils import timezone

from gridgov.accounts import actions as accounts
from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.demo.names import person
from gridgov.matters import disputes, escalation
from gridgov.matters.actions import MatterInput, report_matter
from gridgov.matters.models import RUNNING_STATES, Category, Matter, Priority, Source, State
from gridgov.matters.public import create_sign
from gridgov.matters.workflow import TRANSITIONS, transition
from gridgov.people.models import Unit
from gridgov.regions.models import Level, Region

ACTOR = "system:demo"

# Who may see a category: the public may report it (on signs and Open311); staff only; or
# sensitive (disputes, vulnerable households, anything about named people: never public).
PUBLIC, INTERNAL, SENSITIVE = "public", "internal", "sensitive"

# code, name, English name, group, default unit, working days, who sees it, extra fields
CATEGORIES = [
    (
        "neighbour-dispute",
        "邻里纠纷",
        "neighbour dispute",
        "dispute",
        "巴宜区司法局",
        10,
        SENSITIVE,
        [
            {
                "code": "parties",
                "label": "当事人数",
                "label_en": "parties",
                "type": "number",
                "required": True,
            }
        ],
    ),
    ("family-dispute", "家庭纠纷", "family dispute", "dispute", "巴宜区司法局", 10, SENSITIVE, []),
    (
        "property-dispute",
        "物业纠纷",
        "property-management dispute",
        "dispute",
        "巴宜区住房和城乡建设局",
        10,
        SENSITIVE,
        [],
    ),
    (
        "fire-lane",
        "消防通道堵塞",
        "blocked fire lane",
        "hazard",
        "巴宜区消防救援大队",
        3,
        PUBLIC,
        [
            {
                "code": "blocked_by",
                "label": "占用物",
                "label_en": "blocked by",
                "type": "choice",
                "choices": ["车辆", "杂物", "电动车"],
            }
        ],
    ),
    (
        "ebike-charging",
        "电动车违规充电",
        "illegal e-bike charging",
        "hazard",
        "巴宜区消防救援大队",
        2,
        PUBLIC,
        [],
    ),
    ("road-damage", "道路破损", "damaged road", "city", "巴宜区交通运输局", 5, PUBLIC, []),
    ("garbage", "垃圾乱堆乱放", "garbage piled up", "city", "巴宜区城市管理局", 3, PUBLIC, []),
    (
        "public-order",
        "治安隐患",
        "public-order risk",
        "public_order",
        "巴宜区公安分局",
        3,
        SENSITIVE,
        [],
    ),
    (
        "dumping",
        "倾倒垃圾（生态公益）",
        "dumping (public interest)",
        "public_interest",
        "巴宜区人民检察院",
        5,
        PUBLIC,
        [],
    ),
    (
        "fire-setting",
        "野外用火",
        "setting fires (public interest)",
        "public_interest",
        "巴宜区人民检察院",
        1,
        PUBLIC,
        [],
    ),
    (
        "logging",
        "乱砍滥伐",
        "illegal logging (public interest)",
        "public_interest",
        "巴宜区人民检察院",
        5,
        PUBLIC,
        [],
    ),
    (
        "greening-damage",
        "破坏绿化设施",
        "damage to greening (public interest)",
        "public_interest",
        "巴宜区人民检察院",
        5,
        PUBLIC,
        [],
    ),
    (
        "help-request",
        "居民求助",
        "resident asks for help",
        "request",
        "巴宜区民政局",
        5,
        SENSITIVE,
        [
            {
                "code": "need",
                "label": "需求",
                "label_en": "need",
                "type": "multi",
                "choices": ["就医", "助餐", "维修", "其他"],
            }
        ],
    ),
]
DESCRIPTIONS = {
    "neighbour-dispute": ["楼上漏水导致楼下天花板受损，双方协商未果", "邻居装修噪音扰民引发争执"],
    "family-dispute": ["赡养老人问题家庭成员意见不一", "夫妻因家务琐事多次争吵"],
    "property-dispute": ["物业费收取标准有争议", "小区电梯长期故障物业未维修"],
    "fire-lane": ["消防通道被私家车长期占用", "楼道口堆放杂物堵塞消防通道"],
    "ebike-charging": ["楼道内私拉电线给电动车充电", "电动车停放在楼梯间充电"],
    "road-damage": ["路面塌陷形成坑洼", "人行道地砖松动"],
    "garbage": ["垃圾桶满溢无人清运", "建筑垃圾堆放在路边"],
    "public-order": ["夜间有人聚集饮酒吵闹", "出租屋人员流动频繁需核查"],
    "dumping": ["绿化带内发现倾倒的生活垃圾", "山坡上有建筑垃圾倾倒"],
    "fire-setting": ["林地附近有人焚烧杂草", "有人在绿化区内烧纸"],
    "logging": ["绿化区内树木被砍伐", "发现有人盗挖苗木"],
    "greening-damage": ["滴灌管道被人为破坏", "护栏被损毁"],
    "help-request": ["独居老人行动不便需要帮助就医", "低保户房屋漏雨需要维修"],
}
HANDLER_UNITS = [
    "巴宜区司法局",
    "巴宜区消防救援大队",
    "巴宜区交通运输局",
    "巴宜区城市管理局",
    "巴宜区公安分局",
    "巴宜区人民检察院",
    "巴宜区民政局",
]
# how far along each demo matter gets, by share
STAGES = [
    (State.REPORTED, 10),
    (State.REGISTERED, 6),
    (State.DISPATCHED, 10),
    (State.IN_HAND, 12),
    (State.HANDLED, 8),
    (State.VERIFIED, 4),
    (State.CLOSED, 20),
    (State.EVALUATED, 20),
    (State.REJECTED, 4),
]
PATH = ["register", "dispatch", "accept", "handle", "verify", "close", "evaluate"]


def build(district: Region, password_hash: str, rng: random.Random, n: int = 160, log=print):
    units = {u.name: u for u in Unit.objects.filter(name__in=[c[4] for c in CATEGORIES])}
    categories = {}
    for code, name, name_en, group, unit, days, seen_by, fields in CATEGORIES:
        categories[code] = Category.objects.create(
            code=code,
            name=name,
            name_en=name_en,
            group=group,
            default_unit=units.get(unit),
            deadline_days=days,
            public=seen_by == PUBLIC,
            sensitive=seen_by == SENSITIVE,
            fields=fields,
        )
    handlers = {}
    for i, unit_name in enumerate(HANDLER_UNITS, start=1):
        user = accounts.create_user(
            f"h{i:02d}",
            None,
            display_name=f"{unit_name[3:]}办理人",
            actor=ACTOR,
            check_password=False,
            password_hash=password_hash,
        )
        accounts.assign_role(
            user, Role.DEPARTMENT_HANDLER, district, unit=units[unit_name], actor=ACTOR
        )
        handlers[units[unit_name].pk] = user
    handlers[Unit.objects.get(name="巴宜区住房和城乡建设局").pk] = User.objects.get(
        username="handler"
    )

    grids = list(Region.objects.filter(level=Level.GRID).order_by("code"))
    workers = {a.region_id: a.user for a in _assignments(Role.GRID_WORKER)}
    staff = {}
    for a in _assignments(Role.COMMUNITY_STAFF):
        staff.setdefault(a.region.path, a.user)
    stages = [s for s, weight in STAGES for _ in range(weight)]
    count = 0
    for i in range(n):
        grid = grids[i % len(grids)]
        code, *_rest = rng.choice(CATEGORIES)
        category = categories[code]
        attributes = {}
        for f in category.fields:
            if f["type"] == "number":
                attributes[f["code"]] = rng.randint(2, 4)
            elif f["type"] in ("choice", "multi"):
                pick = rng.choice(f["choices"])
                attributes[f["code"]] = [pick] if f["type"] == "multi" else pick
        worker = workers[grid.pk]
        by_public = category.public and i % 3 == 0  # some come from residents' Open311 apps
        matter = report_matter(
            MatterInput(
                category=category,
                description=rng.choice(DESCRIPTIONS[code]),
                source=Source.OPEN311 if by_public else Source.GRID_WORKER,
                region=grid,
                lat=round(grid.lat + rng.uniform(-0.001, 0.001), 6) if by_public else None,
                lon=round(grid.lon + rng.uniform(-0.001, 0.001), 6) if by_public else None,
                attributes=attributes,
                priority=rng.choice([Priority.NORMAL] * 4 + [Priority.HIGH]),
            ),
            actor="open311:demo-app" if by_public else worker,
        )
        target = stages[i % len(stages)]
        community_staff = staff[grid.path[: -Region.steplen]]
        if target == State.REJECTED:
            transition(matter, "reject", actor=community_staff, reason="不属于受理范围，已告知")
        else:
            for name in PATH:
                if matter.state == target:
                    break
                who = {
                    "accept": "handler",
                    "handle": "handler",
                    "verify": "worker",
                    "evaluate": "worker",
                }.get(name, "staff")
                actor = {
                    "staff": community_staff,
                    "worker": worker,
                    "handler": handlers.get(matter.handling_unit_id),
                }[who]
                fields = {
                    "dispatch": {"unit": category.default_unit},
                    "handle": {"note": "已到现场处置完毕，附处置说明"},
                    # a note for the reporter now and then; otherwise the fixed text
                    "close": {"public_note": "已处理完毕，感谢您的反映。"}
                    if category.public and rng.random() < 0.5
                    else {},
                    "evaluate": {"rating": rng.choice([4, 5, 5, 5, 3])},
                }.get(name, {})
                if name in TRANSITIONS and matter.state in TRANSITIONS[name].sources:
                    matter = transition(matter, name, actor=actor, **fields)
        count += 1
    # A demo needs a past: spread the reports over the last 60 days and let some of the
    # open ones run late, so the worklists show overdue matters. This only moves clocks on
    # generated data; every step above went through the actions and is audited.
    now = timezone.now()
    for m in Matter.objects.select_related("category"):
        days = rng.randint(0, 60)
        if m.state in RUNNING_STATES:  # about a quarter of the running ones are late
            days = rng.randint(0, m.category.deadline_days + 1)
        shift = datetime.timedelta(days=days, hours=rng.randint(0, 12))
        Matter.objects.filter(pk=m.pk).update(
            created_at=F("created_at") - shift,
            registered_at=m.registered_at - shift if m.registered_at else None,
            deadline=m.deadline - shift if m.deadline else None,
            handled_at=m.handled_at - shift if m.handled_at else None,
            closed_at=m.closed_at - shift if m.closed_at else None,
        )
    overdue = Matter.objects.overdue(now).count()
    escalation.sweep(now)
    _disputes(rng)
    signs = _signs(categories, grids, rng)
    log(
        f"  {count} matters ({overdue} overdue), {len(categories)} categories, "
        f"{signs} protection signs"
    )


def _disputes(rng: random.Random) -> None:
    """Parties and a mediation session for the demo's disputes."""
    for m in Matter.objects.filter(category__group="dispute").select_related("category", "region")[
        :20
    ]:
        forces = disputes.mediation_forces(m)
        worker = next((u for u in forces if u.username.startswith(("gw", "worker"))), None)
        if worker is None:
            continue
        disputes.add_party(
            m, person(rng)[0], "applicant", actor=worker, contact=f"139{rng.randrange(10**8):08d}"
        )
        disputes.add_party(m, person(rng)[0], "respondent", actor=worker)
        outcome = rng.choice(["agreement", "agreement", "partial", "failed"])
        disputes.record_session(
            m,
            held_on=timezone.localdate() - datetime.timedelta(days=rng.randint(1, 20)),
            mediators=forces[:2],
            outcome=outcome,
            agreement="" if outcome == "failed" else "双方同意按协议履行，网格员一周后回访",
            next_step="escalate" if outcome == "failed" else "none",
            follow_up_on=timezone.localdate() + datetime.timedelta(days=7),
            place="网格工作站",
            actor=worker,
        )


def _signs(categories: dict, grids: list, rng: random.Random) -> int:
    """The procuratorate's 12 protection signs along the Nyang River greening project."""
    procuratorate = Unit.objects.get(name="巴宜区人民检察院")
    street = User.objects.get(username="street")
    cats = [categories[c] for c in ("dumping", "fire-setting", "logging", "greening-damage")]
    own = [g for g in grids if g.path.startswith(Region.objects.get(code="540402001").path)]
    for i in range(12):
        grid = own[i % len(own)]
        create_sign(
            f"nyang-{i + 1:02d}",
            f"尼洋河绿化工程{i + 1}号保护牌",
            grid,
            round(grid.lat + rng.uniform(-0.001, 0.001), 6),
            round(grid.lon + rng.uniform(-0.001, 0.001), 6),
            cats,
            procuratorate,
            actor=street,
        )
    return 12


def _assignments(role):
    from gridgov.accounts.models import RoleAssignment

    return RoleAssignment.objects.filter(role=role).select_related("user", "region")
