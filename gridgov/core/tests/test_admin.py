"""The Django admin is a read-only window for every registered model, Django's own
included: a superuser can look, and no add, change, delete or bulk action changes anything
(changes go through the audited actions)."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import reverse

from gridgov.accounts import actions


@pytest.fixture
def superuser_client(world):
    user = actions.grant_admin_site(world.user("admin"), actor="test")
    c = Client()
    c.force_login(user)
    return c, user


def _snapshot(model):
    return sorted(model._default_manager.values_list("pk", flat=True)), list(
        model._default_manager.order_by("pk").values()
    )


def test_every_registered_model_is_read_only_for_a_superuser(superuser_client):
    c, user = superuser_client
    Group.objects.create(name="office")  # Django's own model, registered by contrib.auth
    assert Group in admin.site._registry
    request = RequestFactory().get("/admin/")
    request.user = user
    walked = 0
    for model, model_admin in admin.site._registry.items():
        name = f"{model._meta.app_label}.{model._meta.model_name}"
        assert not model_admin.has_add_permission(request), name
        assert not model_admin.has_change_permission(request), name
        assert not model_admin.has_delete_permission(request), name
        assert model_admin.get_actions(request) == {}, name

        url = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        before = _snapshot(model)
        assert c.get(reverse(f"{url}_changelist")).status_code == 200, name
        assert c.post(reverse(f"{url}_add"), {"name": "x"}).status_code == 403, name
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            walked += 1
            # viewing works; posting a change or a deletion is refused
            assert c.get(reverse(f"{url}_change", args=[obj.pk])).status_code == 200, name
            response = c.post(reverse(f"{url}_change", args=[obj.pk]), {"name": "changed"})
            assert response.status_code == 403, name
            response = c.post(reverse(f"{url}_delete", args=[obj.pk]), {"post": "yes"})
            assert response.status_code == 403, name
            c.post(
                reverse(f"{url}_changelist"),
                {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
            )
        assert _snapshot(model) == before, name
    assert walked >= 10  # the test world fills most tables
