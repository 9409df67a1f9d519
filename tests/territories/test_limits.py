from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError

from territories.models import KEY_FACTS_MAX, SHEET_MAX_LENGTH, KeyFact, Territory
from tests.territories.conftest import territory_post

pytestmark = pytest.mark.django_db


def test_it_accepts_a_presentation_of_exactly_the_limit():
    Territory(name="Pays de Morlaix", short_name="PdM", sheet="a" * SHEET_MAX_LENGTH).full_clean()


def test_the_model_refuses_a_longer_presentation():
    territory = Territory(name="Pays de Morlaix", short_name="PdM", sheet="a" * 10_001)

    with pytest.raises(ValidationError) as error:
        territory.full_clean()
    assert error.value.message_dict["sheet"] == [
        "The presentation holds at most 10000 characters (it has 10001): shorten it."
    ]


def test_the_form_refuses_a_longer_presentation_and_keeps_it(user_client, editor):
    long_text = "Le pays." * 1350  # 10,800 characters

    response = user_client(editor).post("/territories/new/", territory_post(sheet=long_text))

    assert response.status_code == 200
    assert response.context["form"].errors["sheet"] == [
        "The presentation holds at most 10000 characters (it has 10800): shorten it."
    ]
    assert long_text in response.content.decode()
    assert not Territory.objects.exists()


def test_it_accepts_twenty_key_facts(user_client, editor):
    facts = [{"label": f"Fait {n}", "value": str(n)} for n in range(KEY_FACTS_MAX)]

    response = user_client(editor).post("/territories/new/", territory_post(facts=facts, extra=0))

    assert response.status_code == 302
    assert KeyFact.objects.count() == 20


def test_it_refuses_twenty_one_key_facts(user_client, editor):
    facts = [{"label": f"Fait {n}", "value": str(n)} for n in range(21)]

    response = user_client(editor).post("/territories/new/", territory_post(facts=facts, extra=0))

    assert response.status_code == 200
    assert response.context["key_facts"].non_form_errors() == [
        "A territory sheet holds at most 20 key facts."
    ]
    assert "A territory sheet holds at most 20 key facts." in response.content.decode()
    assert not Territory.objects.exists()


def test_the_form_offers_no_row_past_the_limit(user_client, editor, territories):
    territory = territories[0]
    KeyFact.objects.bulk_create(
        KeyFact(territory=territory, label=f"Fait {n}", value=str(n)) for n in range(19)
    )

    response = user_client(editor).get(f"/territories/{territory.pk}/edit/")

    assert response.context["key_facts"].total_form_count() == KEY_FACTS_MAX


def test_the_largest_territory_form_fits_under_the_request_body_limit(user_client, editor):
    """The biggest body a browser sends: the longest sheet and 20 full key facts, all in
    characters that take the most room once percent-encoded (settings: 512 KiB)."""
    facts = [
        {"label": "€" * 120, "value": "€" * 120, "source": "€" * 200} for _ in range(KEY_FACTS_MAX)
    ]
    data = territory_post(sheet="🌳" * SHEET_MAX_LENGTH, facts=facts, extra=0)
    body = urlencode(data)
    assert len(body) > 200_000  # really the worst case

    response = user_client(editor).post(
        "/territories/new/", body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 302
    assert Territory.objects.get().sheet == "🌳" * SHEET_MAX_LENGTH
