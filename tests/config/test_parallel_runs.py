"""`make test` runs the suite in two processes (pytest-xdist): each has its own test
database, its own Redis database and its own ports, so that neither sees the other's rows,
broadcasts or servers (docs/architecture.md, "Tests")."""

import os

from django.db import connection

from config.settings_test import redis_url_of_this_worker
from tests.e2e.servers import worker_ports


def test_each_worker_has_its_own_redis_database():
    assert redis_url_of_this_worker("redis://127.0.0.1:6379/3", "gw0") == "redis://127.0.0.1:6379/3"
    assert redis_url_of_this_worker("redis://127.0.0.1:6379/3", "gw1") == "redis://127.0.0.1:6379/4"
    assert redis_url_of_this_worker("redis://:pw@host:1/0", "gw2") == "redis://:pw@host:1/2"
    assert redis_url_of_this_worker("redis://127.0.0.1:6379", "gw1") == "redis://127.0.0.1:6379/1"
    # Outside xdist, and without Redis, nothing changes.
    assert redis_url_of_this_worker("redis://127.0.0.1:6379/3", "") == "redis://127.0.0.1:6379/3"
    assert redis_url_of_this_worker("", "gw1") == ""


def test_each_worker_draws_its_ports_from_a_range_no_other_worker_or_client_uses():
    first, second = worker_ports("gw0"), worker_ports("gw1")
    assert not set(first) & set(second)
    assert max(second) < 32768  # Linux gives connecting sockets ports from 32768 up
    assert worker_ports("") is None


def test_this_worker_runs_on_a_test_database_of_its_own(db):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = str(connection.settings_dict["NAME"])
    if worker:
        assert name.endswith(f"_{worker}")
    else:
        assert name.endswith("test.sqlite3") or name.startswith("test_")
