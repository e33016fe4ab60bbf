from django.test import Client

from gridgov.core.models import AuditAction, AuditEntry
from gridgov.matters.models import Matter, State
from gridgov.matters.tests.test_workflow import report, to_state


def client_for(world, key) -> Client:
    c = Client()
    c.force_login(world.users[key])
    return c


def test_worklists_per_role(world):
    m = report(world)
    staff = client_for(world, "community_a").get("/matters/").content.decode()
    assert m.code in staff  # waiting for registration
    handler = client_for(world, "handler").get("/matters/").content.decode()
    assert m.code not in handler
    to_state(world, m, State.DISPATCHED)
    handler = client_for(world, "handler").get("/matters/").content.decode()
    assert m.code in handler
    assert m.code not in client_for(world, "worker_a2").get("/matters/?state=").content.decode()
    assert client_for(world, "worker_a2").get(f"/matters/{m.code}/").status_code == 404
    assert client_for(world, "volunteer").get("/matters/").status_code == 403


def test_overdue_first(world):
    import datetime

    from django.utils import timezone

    a = to_state(world, report(world), State.DISPATCHED)
    b = to_state(world, report(world), State.DISPATCHED)
    Matter.objects.filter(pk=b.pk).update(deadline=timezone.now() - datetime.timedelta(days=1))
    page = client_for(world, "handler").get("/matters/").content.decode()
    assert page.index(b.code) < page.index(a.code)
    overdue = client_for(world, "community_a").get("/matters/?state=overdue").content.decode()
    assert b.code in overdue and a.code not in overdue


def test_the_handler_gets_no_verify_button_and_is_refused(world):
    m = to_state(world, report(world), State.HANDLED)
    from gridgov.accounts import actions as account_actions
    from gridgov.accounts.roles import Role

    account_actions.assign_role(
        world.user("handler"), Role.GRID_WORKER, world.regions["grid_a1"], actor="test"
    )
    c = client_for(world, "handler")
    page = c.get(f"/matters/{m.code}/").content.decode()
    assert 'id="do-verify"' not in page
    response = c.post(f"/matters/{m.code}/do/verify/", {"version": m.version})
    assert response.status_code == 403
    assert (
        "may not verify" in response.content.decode()
        or "办理人不得核查" in response.content.decode()
    )
    assert Matter.objects.get(pk=m.pk).state == State.HANDLED


def test_transition_forms(world):
    m = report(world)
    c = client_for(world, "community_a")
    page = c.get(f"/matters/{m.code}/").content.decode()
    assert 'id="do-register"' in page and 'id="do-reject"' in page
    assert c.post(f"/matters/{m.code}/do/register/", {"version": 1}).status_code == 302
    stale = c.post(f"/matters/{m.code}/do/reject/", {"version": 1, "reason": "x"})
    assert stale.status_code == 409
    bad = c.post(f"/matters/{m.code}/do/close/", {"version": 2})
    assert bad.status_code == 409
    missing = c.post(f"/matters/{m.code}/do/dispatch/", {"version": 2})
    assert missing.status_code == 400
    ok = c.post(f"/matters/{m.code}/do/dispatch/", {"version": 2, "unit": world.units["bureau"].pk})
    assert ok.status_code == 302
    assert Matter.objects.get(pk=m.pk).state == State.DISPATCHED
    assert AuditEntry.objects.filter(action=AuditAction.MATTER_TRANSITION).count() == 2
    detail = c.get(f"/matters/{m.code}/").content.decode()
    assert "巴宜区住建局" in detail and 'id="timeline"' in detail


def test_photos_on_report_and_on_handling(world, settings, tmp_path):
    import io

    from gridgov.matters.models import MatterPhoto
    from gridgov.matters.tests.test_public import jpeg_with_location

    settings.MEDIA_ROOT = tmp_path

    def jpeg(name):
        f = io.BytesIO(jpeg_with_location())
        f.name = name
        return f

    c = client_for(world, "worker_a1")
    c.post("/matters/new/", {"place": "540402001001001"})
    c.post("/matters/new/category/", {"category": "fire-lane"})
    c.post(
        "/matters/new/details/",
        {"description": "有照片", "priority": "2", "photos": [jpeg("a.jpg"), jpeg("b.jpg")]},
    )
    assert c.post("/matters/new/check/").status_code == 302
    m = Matter.objects.get()
    assert MatterPhoto.objects.filter(matter=m).count() == 2
    m = to_state(world, m, State.IN_HAND)
    h = client_for(world, "handler")
    done = h.post(
        f"/matters/{m.code}/do/handle/",
        {"version": m.version, "note": "已处理", "photos": [jpeg("after.jpg")]},
    )
    assert done.status_code == 302
    assert MatterPhoto.objects.filter(matter=m, event__transition="handle").count() == 1
    page = c.get(f"/matters/{m.code}/").content.decode()
    assert page.count("/photos/") >= 6  # three photos, each a link and an image
    # the handler's photo stands with their step in the timeline, not beside the reporter's
    after = MatterPhoto.objects.get(matter=m, event__transition="handle")
    top, timeline = page.split('class="timeline', 1)
    assert f"/photos/{after.pk}/" not in top and f"/photos/{after.pk}/" in timeline
    assert top.count("/photos/") == 4


def test_a_refused_note_for_the_reporter_comes_back_as_typed(world):
    m = to_state(world, report(world), State.VERIFIED)
    typed = "垃圾已清运，如有问题请拨打 13912345678"
    page = client_for(world, "community_a").post(
        f"/matters/{m.code}/do/close/",
        {"version": m.version, "public_note": typed, "do": "close"},
    )
    assert page.status_code == 400
    assert typed in page.content.decode()  # to be mended, not typed again
    m.refresh_from_db()
    assert m.state == State.VERIFIED
