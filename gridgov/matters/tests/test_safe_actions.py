"""Safe actions on a matter's page: the steps that cannot be undone are warning buttons that
ask first, and a merge's target is searched for and picked — never preselected."""

import re

from django.test import Client

from gridgov.matters.models import Matter, State
from gridgov.matters.tests.test_workflow import report, to_state


def client_for(world, key) -> Client:
    c = Client()
    c.force_login(world.users[key])
    return c


def _button(page: str, step: str) -> str:
    found = re.search(rf'<button[^>]*id="do-{step}"[^>]*>', page)
    assert found, f"no button for {step}"
    return found.group(0)


def test_irreversible_steps_are_warnings_that_ask_first(world):
    staff = client_for(world, "community_a")
    fresh = report(world)
    page = staff.get(f"/matters/{fresh.code}/").content.decode()
    for step in ("reject", "merge"):
        button = _button(page, step)
        assert 'class="warning"' in button and 'data-confirm="' in button, button
        question = re.search(r'data-confirm="([^"]*)"', button).group(1)
        assert re.search("[?？]", question) and len(question) > 20, "a question: what happens"
    register = _button(page, "register")
    assert "warning" not in register and "data-confirm" not in register
    verified = to_state(world, report(world), State.VERIFIED)
    close = _button(staff.get(f"/matters/{verified.code}/").content.decode(), "close")
    assert 'class="warning"' in close and "data-confirm=" in close


def test_nothing_is_preselected_as_the_merge_target(world):
    report(world, description="另一处消防通道堵塞")  # a candidate that used to come preselected
    matter = report(world)
    page = client_for(world, "community_a").get(f"/matters/{matter.code}/").content.decode()
    # no list of candidates with one of them chosen: a search box, the choices come from it
    assert 'name="duplicate_of"' not in page
    assert 'type="search" id="merge-q"' in page and "data-pick=" in page
    # a final choice starts on "choose…": the rating of a closed matter is not 5 ★ by itself
    closed = to_state(world, report(world), State.CLOSED)
    evaluate = client_for(world, "community_a").get(f"/matters/{closed.code}/").content.decode()
    select = re.search(r'<select name="rating"[^>]*>(.*?)</select>', evaluate)
    assert select and select.group(1).startswith('<option value="">')
    assert " selected" not in select.group(1)


def test_merge_targets_are_searched_within_what_the_user_sees(world):
    matter = report(world)
    near = report(world, description="花园北门消防通道被占")
    other = report(world, description="花园南门垃圾堆放", attributes={"kind": "杂物"})
    far = report(world, who="worker_b1", region=world.regions["grid_b1"], description="北门通道")
    closed = to_state(world, report(world, description="北门旧事"), State.CLOSED)
    staff = client_for(world, "community_a")
    url = f"/matters/{matter.code}/merge-targets/"
    listed = staff.get(url, {"q": "北门"}).content.decode()
    assert near.code in listed and 'value="' + near.code + '"' in listed
    assert other.code not in listed  # words must all match
    assert far.code not in listed  # another community: not in this user's sight
    assert closed.code not in listed  # only open matters take a duplicate
    assert " checked" not in listed
    itself = staff.get(url, {"q": matter.code}).content.decode()
    assert f'value="{matter.code}"' not in itself  # not itself
    by_code = staff.get(url, {"q": other.code}).content.decode()
    assert other.code in by_code
    assert staff.get(url, {"q": ""}).content.decode().strip() == ""
    none = staff.get(url, {"q": "没有这种事"}).content.decode()
    assert "没有这种事" in none and "duplicate_of" not in none
    assert client_for(world, "worker_b1").get(url, {"q": "北门"}).status_code == 404


def _merge(client, matter, **data):
    return client.post(
        f"/matters/{matter.code}/do/merge/",
        {"do": "merge", "version": matter.version, **data},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_merge_without_a_picked_target_or_into_itself_is_refused_clearly(world):
    matter = report(world)
    far = report(world, who="worker_b1", region=world.regions["grid_b1"])
    staff = client_for(world, "community_a")
    staff.cookies["django_language"] = "en"
    nothing = _merge(staff, matter)
    assert nothing.status_code == 400 and "Choose the matter this one duplicates" in (
        nothing.content.decode()
    )
    itself = _merge(staff, matter, duplicate_of=matter.code)
    assert itself.status_code == 400 and "cannot be merged into itself" in itself.content.decode()
    outside = _merge(staff, matter, duplicate_of=far.code)
    assert outside.status_code == 400
    assert f"no matter {far.code} among those you can see" in outside.content.decode()
    unknown = _merge(staff, matter, duplicate_code="NOPE-1")
    assert "no matter NOPE-1 among those you can see" in unknown.content.decode()
    matter.refresh_from_db()
    assert matter.state == State.REPORTED and matter.merged_into is None
    # the code typed into the search box (no JavaScript) or picked from the list: merged
    target = report(world)
    done = _merge(staff, matter, duplicate_code=f" {target.code} ")
    assert done.status_code == 302
    matter = Matter.objects.get(pk=matter.pk)
    assert matter.state == State.MERGED and matter.merged_into == target
