import json

from django.test import Client

from gridgov.matters.models import State
from gridgov.matters.tests.test_workflow import report, to_state
from gridgov.matters.workflow import transition
from gridgov.notifications.models import Kind, Notification


def test_dispatch_and_rework_reach_the_handler(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.VAR_DIR = tmp_path
    handler = world.user("handler")
    handler.phone = "13800000001"
    handler.save()
    with django_capture_on_commit_callbacks(execute=True):
        m = to_state(world, report(world), State.DISPATCHED)
    inbox = Notification.objects.filter(user=handler)
    assert [(n.kind, n.matter_id) for n in inbox] == [(Kind.DISPATCHED, m.pk)]
    sms = [json.loads(line) for line in (tmp_path / "sms.log").read_text().splitlines()]
    assert sms[0]["to"] == "13800000001"
    m = to_state(world, m, State.HANDLED)
    transition(m, "rework", actor=world.user("worker_a1"), reason="仍未清理")
    assert Notification.objects.filter(user=handler, kind=Kind.REWORK).count() == 1
    assert not Notification.objects.filter(user=world.user("worker_b1")).exists()


def test_inbox_page_and_mark_read(world):
    to_state(world, report(world), State.DISPATCHED)
    c = Client()
    c.force_login(world.users["handler"])
    page = c.get("/inbox/").content.decode()
    assert 'class="unread"' in page and 'class="badge"' in page
    c.post("/inbox/read/")
    assert not Notification.objects.filter(user=world.users["handler"], read_at=None).exists()
    assert 'class="badge"' not in c.get("/inbox/").content.decode()


def waiting(world, key) -> list[tuple[str, str]]:
    """(kind, matter code) of the notices waiting for a user: what their badge counts."""
    rows = Notification.objects.filter(user=world.users[key]).waiting().select_related("matter")
    return sorted((n.kind, n.matter.code if n.matter else "") for n in rows)


def test_every_hand_off_tells_who_acts_next_and_settles_what_was_asked(world):
    worker, staff, handler = (world.user(k) for k in ("worker_a1", "community_a", "handler"))
    m = report(world)
    assert waiting(world, "community_a") == [(Kind.REPORTED, m.code)]
    assert waiting(world, "worker_a1") == []  # the reporter is not told of their own report
    m = transition(m, "register", actor=staff)
    assert waiting(world, "community_a") == []  # registered: the new-report notice is done
    m = transition(m, "dispatch", actor=staff, unit=world.units["bureau"])
    assert waiting(world, "handler") == [(Kind.DISPATCHED, m.code)]
    m = transition(m, "accept", actor=handler)
    assert waiting(world, "handler") == []
    m = transition(m, "handle", actor=handler, note="已清理")
    # whoever may verify: the grid's worker and the community's staff, not the handler
    assert waiting(world, "worker_a1") == [(Kind.TO_VERIFY, m.code)]
    assert waiting(world, "community_a") == [(Kind.TO_VERIFY, m.code)]
    assert waiting(world, "handler") == [] and waiting(world, "worker_a2") == []
    m = transition(m, "rework", actor=worker, reason="仍有杂物")
    assert waiting(world, "worker_a1") == [] and waiting(world, "community_a") == []
    assert waiting(world, "handler") == [(Kind.REWORK, m.code)]
    m = transition(m, "handle", actor=handler, note="已清理干净")
    assert waiting(world, "handler") == []
    m = transition(m, "verify", actor=worker)
    assert waiting(world, "worker_a1") == []
    assert waiting(world, "community_a") == [(Kind.TO_CLOSE, m.code)]
    transition(m, "close", actor=staff, public_note="车辆已移走，通道畅通")
    assert waiting(world, "community_a") == []
    assert waiting(world, "worker_a1") == [(Kind.OUTCOME, m.code)]  # the reporter hears
    outcome = Notification.objects.get(user=worker, kind=Kind.OUTCOME)
    assert "车辆已移走" in outcome.text

    # the badge on every page counts it; opening the notice marks it read
    c = Client()
    c.force_login(worker)
    assert 'id="unread-count">1<' in c.get("/matters/").content.decode()
    inbox = c.get("/inbox/?waiting=1").content.decode()
    assert f'href="/inbox/{outcome.pk}/"' in inbox
    opened = c.get(f"/inbox/{outcome.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/matters/{m.code}/"
    assert waiting(world, "worker_a1") == []
    assert 'class="badge"' not in c.get("/matters/").content.decode()
    # another user's notice is not theirs to open
    other = Notification.objects.filter(user=staff).first()
    assert c.get(f"/inbox/{other.pk}/").status_code == 404


def test_a_public_reporter_hears_the_outcome_by_sms_and_on_the_receipt(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    from gridgov.matters import public

    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path
    sign = public.create_sign(
        "green-01",
        "南山绿化工程1号保护牌",
        world.regions["grid_a1"],
        29.655,
        94.365,
        [world.categories["fire_lane"]],
        world.units["bureau"],
        actor=world.user("street_a"),
    )
    fire_lane = world.categories["fire_lane"]
    with django_capture_on_commit_callbacks(execute=True):
        by_phone = public.submit(sign, fire_lane, "河边倾倒垃圾", [], "13912345678", "10.0.0.1")
        by_mail = public.submit(sign, fire_lane, "河边又有垃圾", [], "a@example.org", "10.0.0.2")
        assert waiting(world, "community_a") == [
            (Kind.REPORTED, by_phone.code),
            (Kind.REPORTED, by_mail.code),
        ]
        staff = world.user("community_a")
        transition(by_phone, "reject", actor=staff, reason="不属实", public_note="现场未发现垃圾")
        transition(by_mail, "reject", actor=staff, reason="不属实")
    sms = [json.loads(line) for line in (tmp_path / "sms.log").read_text().splitlines()]
    assert [s["to"] for s in sms] == ["13912345678"]  # an e-mail address gets no SMS
    assert by_phone.receipt in sms[0]["text"] and "现场未发现垃圾" in sms[0]["text"]
    assert "不属实" not in sms[0]["text"]  # the internal reason stays inside
    assert "不予立案" in sms[0]["text"] and "回执码" in sms[0]["text"]  # in Chinese
    receipt_page = Client().get(f"/s/r/{by_phone.receipt}/").content.decode()
    assert "现场未发现垃圾" in receipt_page
