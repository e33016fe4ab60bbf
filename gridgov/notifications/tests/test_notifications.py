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
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert 'class="badge"' not in c.get("/inbox/").content.decode()
