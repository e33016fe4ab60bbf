import pytest


def pytest_configure(config):
    from django.conf import settings

    # real hashing costs ~0.25 s a user; tests create many users
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # in-process page tests need no collected, hashed static files (the live server has them)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def world(db):
    from gridgov.testing.world import build_world

    return build_world()


@pytest.fixture(scope="session")
def live_app():
    """A gunicorn-served gridgov with the test world, for real HTTP and browser tests."""
    from gridgov.testing.server import LiveServer

    server = LiveServer("world").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_demo():
    """A gunicorn-served gridgov with the demo district, for the browser walk-through."""
    from gridgov.testing.server import LiveServer

    server = LiveServer("demo").start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def english_messages():
    """Action-level tests read messages in English; pages pick their language per request."""
    from django.utils import translation

    with translation.override("en"):
        yield
