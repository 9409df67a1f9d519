"""A facilitator's request with an id no database can hold changes nothing, and is no 500."""

import pytest

from plenary import services
from tests.plenary.conftest import fresh

pytestmark = pytest.mark.django_db


def test_showing_an_answer_id_out_of_range_shows_nothing(plenary, laptop, workshop, alice):
    answer = services.answer_create(participant=fresh(alice), question=0, text="Gardée")
    response = laptop.post(
        f"/w/{workshop.pk}/plenary/answers/show/",
        {"answer": "99999999999999999999", "shown": "1"},
    )
    assert response.status_code < 500
    answer.refresh_from_db()
    assert not answer.shown
