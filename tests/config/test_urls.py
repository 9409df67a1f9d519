"""The bench's endpoints exist only when PANIERS_STATS is on (bench/ turns it on)."""

import importlib

import pytest
from django.urls import Resolver404, clear_url_caches, resolve

import config.urls

pytestmark = pytest.mark.django_db

BENCH_PATHS = ["/__stats__/", "/__bench__/group_send/"]


@pytest.fixture
def urlconf_with(settings):
    """urlconf_with(stats=...): config.urls built again as that setting makes it."""
    original = settings.PANIERS_STATS

    def build(*, stats: bool) -> None:
        settings.PANIERS_STATS = stats
        importlib.reload(config.urls)
        clear_url_caches()

    yield build
    settings.PANIERS_STATS = original
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.parametrize("path", BENCH_PATHS)
def test_they_are_not_in_the_project_without_the_setting(urlconf_with, client, path):
    urlconf_with(stats=False)
    with pytest.raises(Resolver404):
        resolve(path)
    assert client.get(path).status_code == 404
    assert client.post(path, {"group": "paniers.table.1", "seq": "1"}).status_code == 404


def test_they_are_there_with_it(urlconf_with, client):
    urlconf_with(stats=True)
    for path in BENCH_PATHS:
        resolve(path)
    assert client.get("/__stats__/").status_code == 200
