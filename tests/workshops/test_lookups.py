"""An id no integer column can hold finds nothing, in ``pk__in`` and across foreign keys, on
SQLite as on PostgreSQL (workshops/lookups.py), instead of SQLite's OverflowError."""

import pytest

from workshops.models import PostIt

pytestmark = pytest.mark.django_db

HUGE = 99999999999999999999  # 20 digits: more than a 64-bit integer


@pytest.mark.parametrize(
    "lookup",
    [
        {"pk__in": [HUGE]},
        {"pk__in": [-HUGE]},
        {"subgroup__in": [HUGE]},
        {"subgroup__table__workshop__in": [HUGE]},
        {"pk": HUGE},
    ],
    ids=str,
)
def test_an_id_out_of_range_finds_nothing(alices_postit, lookup):
    assert not PostIt.objects.filter(**lookup).exists()


def test_the_ids_in_range_beside_it_still_count(alices_postit):
    found = PostIt.objects.filter(pk__in=[alices_postit.pk, HUGE])
    assert list(found) == [alices_postit]
    assert list(PostIt.objects.filter(subgroup__in=[alices_postit.subgroup_id, HUGE])) == [
        alices_postit
    ]
