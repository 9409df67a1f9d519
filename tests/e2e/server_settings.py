"""The settings of the Daphnes (and report workers) the tests start: the project's own,
``config/settings.py``, with the test process's fast password hasher (tests/conftest.py:
``_fast_password_hashing``). A password the test stored is then checked at the login form
in microseconds instead of the 0.2 s of CPU a real hash takes, at every user a browser test
creates and every login: about 45 s of CPU per run. Nothing else differs."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
