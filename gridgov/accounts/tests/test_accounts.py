import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from gridgov.accounts import actions
from gridgov.accounts.models import RoleAssignment, User
from gridgov.accounts.roles import Role
from gridgov.core.errors import Conflict, Forbidden, Invalid, NotFound
from gridgov.core.models import AuditAction, AuditEntry


def test_cli_create_user_and_assign_role(world, capsys):
    call_command("create-user", "newworker", "--password", "a-long-enough-pw", "--name", "新网格员")
    call_command("assign-role", "newworker", "grid_worker", "540402001001002")
    assert "新网格员" == str(User.objects.get(username="newworker"))
    a = RoleAssignment.objects.get(user__username="newworker")
    assert a.role == Role.GRID_WORKER and a.region.code == "540402001001002"
    assert AuditEntry.objects.filter(
        action=AuditAction.ROLE_ASSIGNED, actor_label="cli:assign-role"
    ).exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["nobody", "grid_worker", "540402001001002"], "no user"),
        (["worker_a1", "grid_worker", "999"], "no region"),
        (["worker_a1", "grid_worker", "540402001001001"], "already assigned"),
        (["handler", "department_handler", "540402"], "bound to a unit"),
    ],
)
def test_cli_assign_role_errors(world, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("assign-role", *args)


def test_cli_create_user_refuses_weak_password_and_duplicates(world):
    with pytest.raises(CommandError):
        call_command("create-user", "weak", "--password", "123")
    with pytest.raises(CommandError, match="taken"):
        call_command("create-user", "worker_a1", "--password", "a-long-enough-pw")
    assert not User.objects.filter(username="weak").exists()


def test_staff_roles_are_assigned_within_scope_only(world):
    police = world.user("police_a1")
    with pytest.raises(NotFound):
        actions.assign_role(
            police, Role.GRID_POLICE, world.regions["grid_b1"], actor=world.user("community_a")
        )
    with pytest.raises(Forbidden):
        actions.assign_role(
            police, Role.GRID_POLICE, world.regions["grid_a2"], actor=world.user("leader")
        )
    with pytest.raises(Forbidden):  # only a system admin hands out other roles
        actions.assign_role(
            police, Role.LEADER, world.regions["grid_a2"], actor=world.user("community_a")
        )
    a = actions.assign_role(
        police, Role.GRID_POLICE, world.regions["grid_a2"], actor=world.user("community_a")
    )
    with pytest.raises(Conflict):
        actions.assign_role(
            police, Role.GRID_POLICE, world.regions["grid_a2"], actor=world.user("community_a")
        )
    actions.revoke_role(a, actor=world.user("community_a"))
    assert AuditEntry.objects.filter(action=AuditAction.ROLE_REVOKED).count() == 1


def test_department_handler_needs_a_unit(world):
    with pytest.raises(Invalid):
        actions.assign_role(
            world.user("stranger"), Role.DEPARTMENT_HANDLER, world.regions["district"], actor="test"
        )


def test_admin_site_is_a_read_only_window(world):
    actions.grant_admin_site(world.user("admin"), actor="test")
    c = Client()
    c.force_login(world.users["admin"])
    assert c.get("/admin/").status_code == 200
    page = c.get("/admin/people/resident/").content.decode()
    assert "扎西" in page and world.residents["tashi"].id_number() not in page
    assert c.get("/admin/people/resident/add/").status_code == 403
    c.force_login(world.users["worker_a1"])
    assert c.get("/admin/").status_code == 302  # not staff: sent to the admin login


def test_staffing_gives_one_answer_for_unknown_and_not_yours(world):
    community = world.user("community_a")
    answers = []
    for name in ["nobody-at-all", "worker_b1", "court_finance"]:
        with pytest.raises(Invalid) as exc:
            actions.find_assignable(name, actor=community)
        answers.append(exc.value.message)
    assert len(set(answers)) == 1
    # the action itself holds the line, whoever calls it
    before = RoleAssignment.objects.count()
    with pytest.raises(Invalid) as exc:
        actions.assign_role(
            world.user("worker_b1"), "grid_police", world.regions["grid_a1"], actor=community
        )
    assert exc.value.message == answers[0] and RoleAssignment.objects.count() == before
    assert actions.find_assignable("stranger", actor=community).username == "stranger"
    assert actions.find_assignable("police_a1", actor=community).username == "police_a1"
    assert actions.find_assignable("worker_b1", actor="cli:assign-role").username == "worker_b1"
