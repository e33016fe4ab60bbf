import pytest


@pytest.fixture
def world(db):
    from gridgov.testing.world import build_world

    return build_world()


def pytest_configure(config):
    from django.conf import settings

    # real hashing costs ~0.25 s a user; tests create many users
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
