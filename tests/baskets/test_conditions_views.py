"""Conditions on phones, the console and the projector: who may save them, what the
form does with a stale version, a closed gate and a retry, what each screen shows, and
what it costs."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from baskets.conditions import services
from baskets.models import BasketConditions, ConditionAnswer
from tests.conftest import basket_of, goto, reloaded
from workshops.models import Phase
from workshops.panels import render_panels

pytestmark = pytest.mark.django_db


@pytest.fixture
def basket(conditioning, alice, bruno):
    return basket_of(conditioning, 1, "BM", "PdB")


@pytest.fixture
def colette(workshop):
    from tests.conftest import subgroup_of
    from workshops import services as room

    return room.participant_join(subgroup=subgroup_of(workshop, 1, "COB"), first_name="Colette")


def form_url(basket) -> str:
    return f"/j/{basket.table.workshop.code}/baskets/{basket.pk}/conditions/"


def post_data(basket, version=0, **extra) -> dict:
    workshop = basket.table.workshop
    governance = workshop.condition_items.get(title="Gouvernance")
    horizon = workshop.alliance_choices.get(family="horizon", label="10 ans")
    return {
        "verdict": "conditional",
        "condition": "Que le CHU vienne au Pays de Brest",
        "rebalancing": "",
        "horizon": horizon.pk,
        f"item_{governance.pk}": "on",
        f"item_{governance.pk}_text": "Un contrat de réciprocité",
        "version": version,
        "client_id": str(uuid.uuid4()),
        **extra,
    }


# Who -------------------------------------------------------------------------------------

SAVE_EXPECTED = {
    "alice": 200,
    "bruno": 200,
    "colette": 403,  # same table, reads only
    "chloe": 403,  # another table
    "dora": 404,  # another workshop
    "anonymous": 403,
    "owner": 403,  # a facilitator edits from the facilitator's page
}


@pytest.mark.parametrize(("actor", "expected"), SAVE_EXPECTED.items())
def test_only_the_basket_s_two_sides_save_its_conditions_from_a_phone(
    request, basket, colette, participant_client, user_client, client, actor, expected
):
    if actor == "anonymous":
        http = client
    elif actor == "owner":
        http = user_client(request.getfixturevalue("owner"))
    else:
        http = participant_client(request.getfixturevalue(actor))
    url = form_url(basket)
    if actor == "dora":
        url = url.replace(basket.table.workshop.code, request.getfixturevalue("dora").workshop.code)

    response = http.post(url, post_data(basket), HTTP_HX_REQUEST="true")

    assert response.status_code == expected
    assert BasketConditions.objects.exists() == (expected == 200)


def test_the_facilitator_pages_refuse_another_workshop_s_basket(
    laptop, basket, other_workshop, client
):
    pk = other_workshop.pk
    for path in ("", "edit/"):
        assert laptop.get(f"/w/{pk}/baskets/conditions/{basket.pk}/{path}").status_code == 404
    assert laptop.get(f"/w/{basket.table.workshop.pk}/baskets/conditions/0/").status_code == 404


def test_reading_the_form_or_its_slot_writes_nothing(participant_client, alice, basket):
    phone = participant_client(alice)
    assert phone.get(form_url(basket) + "slot/").status_code == 302  # without scripts: back
    assert phone.get(form_url(basket), post_data(basket)).status_code == 200
    assert not BasketConditions.objects.exists()


# The phone's form ------------------------------------------------------------------------


def test_the_form_offers_the_verdicts_the_cards_and_the_checklist(
    participant_client, alice, basket
):
    content = participant_client(alice).get(form_url(basket), HTTP_HX_REQUEST="true")
    html = content.content.decode()
    assert content.status_code == 200
    for words in ("Équilibré à condition", "Déséquilibré", "Temporalité", "30 ans", "Montante"):
        assert escape(words) in html, words
    assert "Gouvernance" in html and "syndicat mixte" in html
    assert 'data-needs="conditions"' in html


def test_saving_answers_the_button_and_the_fragment_out_of_band(
    participant_client, alice, basket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = participant_client(alice).post(
            form_url(basket), post_data(basket), HTTP_HX_REQUEST="true"
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "conditions-fill" in html
    assert f'id="conditions-{basket.pk}"' in html and 'hx-swap-oob="true"' in html
    assert "Que le CHU vienne au Pays de Brest" in html
    saved = BasketConditions.objects.get()
    assert saved.verdict == "conditional" and saved.horizon.label == "10 ans"
    assert ConditionAnswer.objects.get().text == "Un contrat de réciprocité"


def test_the_same_form_sent_twice_saves_once(participant_client, alice, basket):
    phone, data = participant_client(alice), post_data(basket)
    assert phone.post(form_url(basket), data, HTTP_HX_REQUEST="true").status_code == 200
    assert phone.post(form_url(basket), data, HTTP_HX_REQUEST="true").status_code == 200
    assert BasketConditions.objects.get().version == 1


def test_a_stale_form_shows_what_is_there_now_and_keeps_what_was_typed(
    participant_client, alice, bruno, basket
):
    services.conditions_save(basket=basket, by=bruno, version=0, verdict="unbalanced")
    data = post_data(basket, version=0, rebalancing="Mon texte tapé")

    response = participant_client(alice).post(form_url(basket), data, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 409
    assert "stale-edit" in html and "Déséquilibré" in html
    assert "Mon texte tapé" in html
    assert 'name="version" value="1"' in html  # saving again replaces it
    assert BasketConditions.objects.get().verdict == "unbalanced"
    again = participant_client(alice).post(
        form_url(basket), {**data, "version": 1}, HTTP_HX_REQUEST="true"
    )
    assert again.status_code == 200
    assert BasketConditions.objects.get().rebalancing == "Mon texte tapé"


def test_a_closed_gate_keeps_what_was_typed(participant_client, alice, bruno, workshop):
    goto(workshop, Phase.Kind.NEGOTIATION)
    basket = basket_of(workshop, 1, "BM", "PdB")
    data = post_data(basket, rebalancing="Gardé")

    response = participant_client(alice).post(form_url(basket), data, HTTP_HX_REQUEST="true")

    assert response.status_code == 409
    assert "Gardé" in response.content.decode()
    assert not BasketConditions.objects.exists()


def test_a_conditional_verdict_without_its_condition_is_refused_with_the_text_kept(
    participant_client, alice, basket
):
    data = post_data(basket, condition="", rebalancing="Texte gardé")
    response = participant_client(alice).post(form_url(basket), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Texte gardé" in response.content.decode()


def test_without_scripts_the_form_is_a_page_and_saving_goes_back_to_the_table(
    participant_client, alice, basket
):
    phone = participant_client(alice)
    assert "<html" in phone.get(form_url(basket)).content.decode()
    response = phone.post(form_url(basket), post_data(basket))
    assert response.status_code == 302


# The phone's panel -------------------------------------------------------------------------


def panels(participant_client, participant) -> str:
    response = participant_client(participant).get(f"/j/{participant.workshop.code}/panels/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_phone_shows_every_basket_s_conditions_and_the_form_button_for_ours(
    participant_client, alice, colette, basket
):
    services.conditions_save(basket=basket, by=alice, version=0, verdict="balanced")
    ours = panels(participant_client, alice)
    theirs = panels(participant_client, colette)
    for html in (ours, theirs):
        assert len(re.findall(r'id="conditions-\d+"', html)) == 3  # the table's three baskets
        assert 'data-verdict="balanced"' in html
    assert f'id="conditions-slot-{basket.pk}"' in ours
    assert f'id="conditions-slot-{basket.pk}"' not in theirs


def test_the_phone_shows_no_conditions_before_their_phase(participant_client, alice, workshop):
    goto(workshop, Phase.Kind.NEGOTIATION)
    assert "conditions-phone" not in panels(participant_client, alice)


def test_after_their_phase_the_conditions_are_read_only(participant_client, alice, basket):
    workshop = basket.table.workshop
    goto(workshop, Phase.Kind.PLENARY)
    html = panels(participant_client, alice)
    assert "conditions-phone" in html and "conditions-slot" not in html


def test_the_phone_panel_costs_the_same_queries_whatever_is_filled_in(
    participant_client, alice, bruno, basket
):
    phone = participant_client(alice)
    url = f"/j/{alice.workshop.code}/panels/"
    services.conditions_save(basket=basket, by=None, version=0, verdict="balanced")
    phone.get(url)
    with CaptureQueriesContext(connection) as empty:
        phone.get(url)
    workshop = basket.table.workshop
    items = {item.pk: (True, "Oui") for item in workshop.condition_items.all()}
    for other in workshop.tables.get(number=1).baskets.exclude(pk=basket.pk):
        services.conditions_save(
            basket=other, by=None, version=0, verdict="balanced", answers=items
        )
    with CaptureQueriesContext(connection) as filled:
        phone.get(url)
    assert len(filled) == len(empty)


# Facilitators ------------------------------------------------------------------------------


def test_the_former_full_screen_page_of_a_basket_leads_to_the_projector_s_view_at_it(
    laptop, basket
):
    response = laptop.get(f"/w/{basket.table.workshop.pk}/baskets/conditions/{basket.pk}/")
    assert response.status_code == 302
    assert response["Location"] == (
        f"/w/{basket.table.workshop.pk}/baskets/conditions/tables/?basket={basket.pk}"
    )


def test_a_facilitator_fills_in_a_basket_s_conditions_whatever_the_phase(
    laptop, workshop, alice, bruno
):
    basket = basket_of(workshop, 1, "BM", "PdB")  # still in the first phase
    url = f"/w/{workshop.pk}/baskets/conditions/{basket.pk}/edit/"
    page = laptop.get(url)
    assert page.status_code == 200 and "hx-post" not in page.content.decode()  # a plain form
    response = laptop.post(url, post_data(basket))
    assert response.status_code == 302
    saved = BasketConditions.objects.get()
    assert saved.verdict == "conditional" and saved.author is None


def test_the_facilitator_edits_the_checklist_and_the_cards(laptop, workshop):
    url = f"/w/{workshop.pk}/baskets/conditions/"
    page = laptop.get(url).content.decode()
    assert "Gouvernance | Qui pilote" in page and "Immédiat" in page
    data = {
        "items": "Connaissance | Un observatoire\nDistance",
        "purpose": "Santé",
        "carrier": "Un chef de file",
        "horizon": "Immédiat\n2050",
        "intensity": "Forte",
    }
    assert laptop.post(url, data).status_code == 302
    assert list(workshop.condition_items.values_list("title", "hint")) == [
        ("Connaissance", "Un observatoire"),
        ("Distance", ""),
    ]
    horizons = workshop.alliance_choices.filter(family="horizon").values_list("label", flat=True)
    assert list(horizons) == ["Immédiat", "2050"]
    too_long = {**data, "horizon": "x" * 81}
    assert laptop.post(url, too_long).status_code == 422


def test_the_console_shows_each_basket_s_progress(laptop, alice, basket):
    workshop = basket.table.workshop
    first = workshop.condition_items.first()
    services.conditions_save(
        basket=basket, by=alice, version=0, verdict="balanced", answers={first.pk: (True, "")}
    )
    html = laptop.get(f"/w/{workshop.pk}/console/tables/").content.decode()
    assert 'data-verdict="balanced" data-filled="1"' in html
    assert "conditions 1/8" in html
    assert html.count('class="console-conditions"') == 9  # three tables of three baskets


def test_the_console_s_conditions_cost_three_queries_more_at_most(
    alice, basket, django_assert_max_num_queries
):
    workshop = reloaded(basket.table.workshop)
    with CaptureQueriesContext(connection) as before:
        render_panels("console", workshop=workshop)
    items = {item.pk: (True, "x") for item in workshop.condition_items.all()}
    for other in workshop.tables.get(number=2).baskets.all():
        services.conditions_save(basket=other, by=None, version=0, answers=items)
    workshop = reloaded(workshop)
    with django_assert_max_num_queries(len(before) + 1):
        render_panels("console", workshop=workshop)
