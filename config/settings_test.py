"""The test suite's settings: the project's own, with a throwaway SECRET_KEY when none is set.

config/settings.py refuses to start on PostgreSQL or Redis without a SECRET_KEY (workers
must share one). pytest-django reads the settings before any conftest runs, so the key is
given here; Daphnes started by the tests get the same one (tests/e2e/servers.py).
"""

import os
import secrets
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

# `make test` runs the suite in several processes (pytest-xdist: gw0, gw1, …). Each has
# its own test database (pytest-django adds the worker's name: var/test.sqlite3_gw0,
# test_paniers_gw0 on PostgreSQL), its own free ports (tests/e2e/servers.py) and, here,
# its own Redis database: the URL's number for gw0, the next one for gw1, and so on.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def redis_url_of_this_worker(url: str, worker: str = XDIST_WORKER) -> str:
    if not url or not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    first = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{first + int(worker[2:])}"))


for _name in ("REDIS_URL", "TEST_REDIS_URL"):
    if os.environ.get(_name):
        os.environ[_name] = redis_url_of_this_worker(os.environ[_name])

from config.settings import *  # noqa: E402, F403

# The test process renders pages with plain static names whatever var/static holds; the
# Daphnes that tests start serve collectstatic's hashed copies (tests/e2e/servers.py).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Django's test client loads the middleware again for every client, and WhiteNoise read
# every static file's name and headers each time: 0.12 s of CPU per test that makes a
# client, most of the unit tests' time. Looked up on request instead (no unit test asks
# for a static file; the browser tests' Daphnes serve collectstatic's copies as in prod).
WHITENOISE_AUTOREFRESH = True
