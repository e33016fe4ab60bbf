"""Demo matters: the category catalogue, a handler per department, and matters at every
step of their life, reported, registered, dispatched and handled through the actions by
the demo's own grid workers, community staff and department handlers."""

from __future__ import annotations

import datetime
import heapq
import random
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from gridgov.accounts import actions as accounts
from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.demo import clock
from gridgov.demo.names import person
from gridgov.matters import calendar, disputes, escalation
from gridgov.matters.actions import MatterInput, report_matter
from gridgov.matters.models import Category, Matter, Priority, Source, State, Tier
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
STAGE_LIST = [s for s, weight in STAGES for _ in range(weight)]
# the last step to a state
TARGET_STEP = {
    State.REGISTERED: "register",
    State.DISPATCHED: "dispatch",
    State.IN_HAND: "accept",
    State.HANDLED: "handle",
    State.VERIFIED: "verify",
    State.CLOSED: "close",
    State.EVALUATED: "evaluate",
}


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
    names = random.Random(len(HANDLER_UNITS))  # their own, so the rest stays as seeded
    for i, unit_name in enumerate(HANDLER_UNITS, start=1):
        user = accounts.create_user(
            f"h{i:02d}",
            None,
            display_name=person(names)[0],
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
    signs = _signs(categories, grids, rng)
    story = Story(categories, handlers, grids, rng)
    with clock.story() as story_clock:
        count = story.play(n, story_clock)
    now = timezone.now()
    overdue = Matter.objects.overdue(now).count()
    escalation.sweep(now)
    _disputes(rng)
    log(
        f"  {count} matters ({overdue} overdue, {story.today} reported today), "
        f"{len(categories)} categories, {signs} protection signs, "
        f"{story.meetings} meetings ({story.resolutions} resolutions)"
    )


# The story: the last STORY_DAYS days of the district, played in order of time. Hours a
# step takes after the one before (low, high); "handle" is drawn against the deadline.
STORY_DAYS = 60
GAPS = {
    "register": (0.3, 5),
    "reject": (0.5, 8),
    "dispatch": (0.2, 3),
    "accept": (1, 20),
    "rework": (3, 30),
    "verify": (2, 40),
    "close": (1, 24),
    "evaluate": (2, 72),
}
WORKDAY = (8, 19)  # local hours in which staff act; the public reports at any hour
WEEKLY_HOUR, MONTHLY_HOUR, SWEEP_HOUR = 9, 15, 7
# days since the second street holds weekly meetings: long enough for a few weekly meetings
# there, short enough that what waited there before goes up to the monthly meeting (a
# matter waits WAIT_DAYS[WEEKLY] = 10 working days at the weekly tier)
WEEKLY_SINCE = 14
RESOLUTIONS = {
    Tier.WEEKLY: (5, "周例会交办：由{unit}牵头，{days}个工作日内办结并反馈，街道跟踪督办。"),
    Tier.MONTHLY: (10, "月例会商办：由{unit}牵头，{other}配合，{days}个工作日内办结，逾期通报。"),
}


class Story:
    """Plans each demo matter's steps at their moments, then plays every step of every
    matter, the daily sweep and the street's weekly and monthly meetings in order of time,
    each through its action with the story clock set to its moment."""

    def __init__(self, categories: dict, handlers: dict, grids: list, rng: random.Random):
        self.categories, self.handlers, self.grids, self.rng = categories, handlers, grids, rng
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.now = timezone.now()
        self.start = self.now - datetime.timedelta(days=STORY_DAYS)
        self.workers = {a.region_id: a.user for a in _assignments(Role.GRID_WORKER)}
        self.staff = {}
        for a in _assignments(Role.COMMUNITY_STAFF):
            self.staff.setdefault(a.region.path, a.user)
        self.chairs = {}
        for a in _assignments(Role.STREET_STAFF):
            self.chairs.setdefault(a.region.path, a.user)
        operator = _assignments(Role.OPERATOR).first()
        self.streets = list(Region.objects.filter(level=Level.STREET).order_by("code"))
        for street in self.streets:
            self.chairs.setdefault(street.path, operator.user if operator else None)
        self.queue: list = []
        self.seq = 0
        self.matters: dict[int, int] = {}  # plan index → matter pk
        self.today = self.meetings = self.resolutions = 0

    # -- planning ------------------------------------------------------------------------

    def _push(self, moment, kind, payload):
        self.seq += 1
        heapq.heappush(self.queue, (moment, self.seq, kind, payload))

    def _working_hours(self, moment: datetime.datetime) -> datetime.datetime:
        """The same moment if staff are at work then, else the next morning."""
        local = moment.astimezone(self.tz)
        if local.hour < WORKDAY[0]:
            local = local.replace(hour=WORKDAY[0], minute=self.rng.randint(0, 59))
        elif local.hour >= WORKDAY[1]:
            local = (local + datetime.timedelta(days=1)).replace(
                hour=WORKDAY[0], minute=self.rng.randint(0, 59)
            )
        return local

    def _after(self, moment, low, high):
        return self._working_hours(moment + datetime.timedelta(hours=self.rng.uniform(low, high)))

    def plan(self, i: int, n: int) -> None:
        rng = self.rng
        grid = self.grids[i % len(self.grids)]
        code, *_rest = rng.choice(CATEGORIES)
        category = self.categories[code]
        target = STAGE_LIST[i % len(STAGE_LIST)]
        if target == State.REJECTED:
            steps = ["reject"]
        else:
            steps = PATH[: PATH.index(TARGET_STEP[target]) + 1] if target in TARGET_STEP else []
        # one matter in six that gets verified is first sent back for rework
        if "verify" in steps and rng.random() < 0.18:
            at = steps.index("verify")
            steps[at:at] = ["rework", "handle_"]  # handled, returned, handled again
        late = rng.random() < 0.22  # handled after the deadline
        # When the report came: waiting reports are fresh (a few from today); running
        # matters started within about their time limit (some are past it); the others
        # anywhere in the story, early enough for their steps to fit.
        if target == State.REPORTED and i % 2:  # new today, waiting to be registered
            midnight = self.now.astimezone(self.tz).replace(hour=0, minute=0, second=0)
            since = max((self.now - midnight).total_seconds() / 3600, 0.5)
            reported = self.now - datetime.timedelta(hours=rng.uniform(0.1, since - 0.1))
        elif target == State.REPORTED:
            reported = self.now - datetime.timedelta(hours=rng.uniform(6, 30))
        elif target == State.REGISTERED:
            reported = self.now - datetime.timedelta(hours=rng.uniform(6, 52))
        elif target in (State.DISPATCHED, State.IN_HAND) and i % 4 == 0:
            # stuck: long past its deadline, up the ladder to the street's meetings
            reported = self.now - datetime.timedelta(days=rng.uniform(20, STORY_DAYS - 2))
        elif target in (State.DISPATCHED, State.IN_HAND):
            days = rng.uniform(0.3, category.deadline_days * 1.4 + 3)
            reported = self.now - datetime.timedelta(days=days)
        elif target in (State.HANDLED, State.VERIFIED):  # waiting for the next step: lately
            days = rng.uniform(1, category.deadline_days * 1.3 + 2)
            reported = self.now - datetime.timedelta(days=days)
        else:
            reported = self.now - datetime.timedelta(days=rng.uniform(4, STORY_DAYS - 2))
        by_public = category.public and i % 3 == 0  # some come from residents' Open311 apps
        if not by_public:  # grid workers report in working hours
            at_work = self._working_hours(reported)
            reported = at_work if at_work < self.now - datetime.timedelta(minutes=20) else reported
        moments = [reported]
        moment = reported
        deadline = None
        for step in steps:
            name = step.rstrip("_")
            if name == "handle":
                room = (deadline - moment).total_seconds() / 3600 if deadline else 24
                if late and step == "handle":
                    hours = max(room, 0) + rng.uniform(10, 200)
                else:
                    hours = max(room, 2) * rng.uniform(0.1, 0.85)
                moment = self._working_hours(moment + datetime.timedelta(hours=hours))
            else:
                moment = self._after(moment, *GAPS[name])
            if name == "register":
                deadline = calendar.deadline_after(moment, category.deadline_days)
            moments.append(moment)
        # a running matter holds still where the story ends: steps that would fall in the
        # future do not happen yet
        cut = self.now - datetime.timedelta(minutes=10)
        steps = [s for s, m in zip(steps, moments[1:], strict=True) if m < cut]
        moments = moments[: len(steps) + 1]
        self._push(
            moments[0],
            "report",
            {"i": i, "grid": grid, "category": category, "public": by_public},
        )
        for step, m in zip(steps, moments[1:], strict=True):
            self._push(m, "step", {"i": i, "step": step.rstrip("_"), "grid": grid})

    def plan_calendar(self) -> None:
        day = self.start.astimezone(self.tz).date() + datetime.timedelta(days=1)
        last = self.now.astimezone(self.tz).date()
        while day <= last:
            at = datetime.datetime.combine(day, datetime.time(SWEEP_HOUR), tzinfo=self.tz)
            self._push(at, "sweep", None)
            working = calendar.is_working_day(day)
            if working and day.weekday() == 0:  # the street's weekly meeting, Monday morning
                at = datetime.datetime.combine(day, datetime.time(WEEKLY_HOUR, 30), self.tz)
                self._push(at, "meeting", Tier.WEEKLY)
            last_thursday = (
                day.weekday() == 3 and (day + datetime.timedelta(days=7)).month != day.month
            )
            if working and last_thursday:  # the monthly meeting
                at = datetime.datetime.combine(day, datetime.time(MONTHLY_HOUR), self.tz)
                self._push(at, "meeting", Tier.MONTHLY)
            day += datetime.timedelta(days=1)

    # -- playing -------------------------------------------------------------------------

    def play(self, n: int, story_clock) -> int:
        for i in range(n):
            self.plan(i, n)
        self.plan_calendar()
        while self.queue:
            moment, _seq, kind, payload = heapq.heappop(self.queue)
            if moment >= self.now:
                continue
            story_clock.at(moment)
            getattr(self, f"_{kind}")(payload)
        return len(self.matters)

    def _report(self, p) -> None:
        rng, grid, category = self.rng, p["grid"], p["category"]
        attributes = {}
        for f in category.fields:
            if f["type"] == "number":
                attributes[f["code"]] = rng.randint(2, 4)
            elif f["type"] in ("choice", "multi"):
                pick = rng.choice(f["choices"])
                attributes[f["code"]] = [pick] if f["type"] == "multi" else pick
        public = p["public"]
        if public:
            lat = round(grid.lat + rng.uniform(-0.001, 0.001), 6)
            lon = round(grid.lon + rng.uniform(-0.001, 0.001), 6)
        else:
            # most grid workers report with "use my location"; a stream of its own, so that
            # the rest of the story draws the same numbers as before
            spot = random.Random(f"spot-{p['i']}")
            placed = spot.random() < 0.8
            lat = round(grid.lat + spot.uniform(-0.001, 0.001), 6) if placed else None
            lon = round(grid.lon + spot.uniform(-0.001, 0.001), 6) if placed else None
        matter = report_matter(
            MatterInput(
                category=category,
                description=rng.choice(DESCRIPTIONS[category.code]),
                source=Source.OPEN311 if public else Source.GRID_WORKER,
                region=grid,
                lat=lat,
                lon=lon,
                attributes=attributes,
                priority=rng.choice([Priority.NORMAL] * 4 + [Priority.HIGH]),
            ),
            actor="open311:demo-app" if public else self.workers[grid.pk],
        )
        self.matters[p["i"]] = matter.pk
        if timezone.localdate(matter.created_at) == timezone.localdate(self.now):
            self.today += 1

    def _step(self, p) -> None:
        if p["i"] not in self.matters:
            return
        matter = Matter.objects.select_related("category").get(pk=self.matters[p["i"]])
        name = p["step"]
        if name == "handle" and matter.state == State.DISPATCHED:
            # a meeting sent it (back) to a unit: that unit takes it in hand first
            self._do(matter, "accept", p["grid"])
            matter = Matter.objects.select_related("category").get(pk=matter.pk)
        if name in TRANSITIONS and matter.state in TRANSITIONS[name].sources:
            self._do(matter, name, p["grid"])

    def _do(self, matter, name, grid) -> Matter:
        community_staff = self.staff[grid.path[: -Region.steplen]]
        worker = self.workers[grid.pk]
        who = {
            "accept": "handler",
            "handle": "handler",
            "verify": "worker",
            "rework": "worker",
            "evaluate": "worker",
        }.get(name, "staff")
        actor = {
            "staff": community_staff,
            "worker": worker,
            "handler": self.handlers.get(matter.handling_unit_id),
        }[who]
        if actor is None:
            return matter
        category = matter.category
        fields = {
            "reject": {"reason": "不属于受理范围，已告知"},
            "dispatch": {"unit": category.default_unit},
            "handle": {"note": "已到现场处置完毕，附处置说明"},
            "rework": {"reason": "现场复核仍未整改到位，请重新处置"},
            # a note for the reporter now and then; otherwise the fixed text
            "close": {"public_note": "已处理完毕，感谢您的反映。"}
            if category.public and self.rng.random() < 0.5
            else {},
            "evaluate": {"rating": self.rng.choice([4, 5, 5, 5, 3])},
        }.get(name, {})
        return transition(matter, name, actor=actor, **fields)

    def _sweep(self, _payload) -> None:
        escalation.sweep(timezone.now())

    def _meeting(self, tier) -> None:
        """The streets' meetings of `tier`: called, held, and a resolution for every matter
        on the agenda; some resolved matters are then handled in time, others are not (and
        come back to the next meeting). The second street began its weekly meetings only
        two weeks ago: what waited there longer went on up to its monthly meeting."""
        days, wording = RESOLUTIONS[tier]
        today = timezone.localdate()
        units = list(Unit.objects.filter(name__in=HANDLER_UNITS).order_by("name"))
        weekly_since = timezone.localdate(self.now) - datetime.timedelta(days=WEEKLY_SINCE)
        for k, street in enumerate(self.streets):
            chair = self.chairs.get(street.path)
            if chair is None or (tier == Tier.WEEKLY and k == 1 and today < weekly_since):
                continue
            meeting = escalation.call_meeting(street, tier, today, actor=chair)
            names = [str(chair)] + [person(self.rng)[0] for _k in range(4)]
            escalation.record_attendance(meeting, names, actor=chair)
            self.meetings += 1
            for item in meeting.items.select_related("matter__category", "matter__handling_unit"):
                matter = item.matter
                lead = matter.handling_unit or matter.category.default_unit
                others = [u for u in units if u.pk != lead.pk]
                assigned = [lead] if tier == Tier.WEEKLY else [lead, self.rng.choice(others)]
                new_deadline = calendar.add_working_days(today, days)
                note = wording.format(
                    unit=lead.name,
                    other="、".join(u.name for u in assigned[1:]),
                    days=days,
                )
                escalation.resolve_item(
                    item, units=assigned, new_deadline=new_deadline, note=note, actor=chair
                )
                self.resolutions += 1
                if self.rng.random() < 0.6:  # handled within the new time limit
                    index = next(k for k, pk in self.matters.items() if pk == matter.pk)
                    grid = Region.objects.get(pk=matter.region_id)
                    moment = timezone.now()
                    for step in ("handle", "verify", "close"):
                        moment = self._after(moment, 4, days * 14 if step == "handle" else 30)
                        self._push(moment, "step", {"i": index, "step": step, "grid": grid})


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
        reported = timezone.localdate(m.created_at)
        since = (timezone.localdate() - reported).days
        disputes.record_session(
            m,
            held_on=reported + datetime.timedelta(days=rng.randint(0, max(since, 0))),
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
