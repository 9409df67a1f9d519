"""Tests of the scale-out path: the Redis channel layer, several Daphne processes."""

import pytest

from tests.conftest import subgroup_of


@pytest.fixture
def seats(workshop):
    """What the HTTP clients need, read before the test's event loop runs."""
    alice, bruno = subgroup_of(workshop, 1, "BM"), subgroup_of(workshop, 1, "PdB")
    return {
        "code": workshop.code,
        "workshop_pk": workshop.pk,
        "alice": {"table": alice.table_id, "territory": alice.territory_id, "id": alice.pk},
        "bruno": {"table": bruno.table_id, "territory": bruno.territory_id, "id": bruno.pk},
    }
