import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The real hasher would make creating the admin user slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
