"""The test suite's settings: the project's own, with a throwaway SECRET_KEY when none is set.

config/settings.py refuses to start on PostgreSQL or Redis without a SECRET_KEY (workers
must share one). pytest-django reads the settings before any conftest runs, so the key is
given here; Daphnes started by the tests get the same one (tests/e2e/servers.py).
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

from config.settings import *  # noqa: E402, F403

# The test process renders pages with plain static names whatever var/static holds; the
# Daphnes that tests start serve collectstatic's hashed copies (tests/e2e/servers.py).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
