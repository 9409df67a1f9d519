"""The plenary from the phone and the facilitator's screens."""

import re

import pytest

from plenary import selectors, services
from plenary.models import Answer, Dot
from tests.conftest import forget_write_budget, goto
from tests.plenary.conftest import fresh

pytestmark = pytest.mark.django_db


def test_the_phone_shows_the_questions_and_its_dots_in_the_plenary(voting, phone, workshop):
    html = phone.get(f"/j/{workshop.code}/").content.decode()
    assert 'id="plenary-phone"' in html
    assert "Avez-vous réussi à construire des paniers ?" in html
    assert 'data-left="3"' in html


def test_the_phone_answers_and_places_a_dot(voting, built, phone, workshop, alice):
    basket, _, _ = built
    answered = phone.post(
        f"/j/{workshop.code}/plenary/answer/",
        {"question": "1", "q1-question": "1", "q1-text": "Valoriser", "q1-client_id": ""},
    )
    assert answered.status_code == 200, answered.content
    assert Answer.objects.get().text == "Valoriser"
    placed = phone.post(f"/j/{workshop.code}/plenary/dot/", {"item": f"b{basket.pk}"})
    assert placed.status_code == 200
    assert 'data-left="2"' in placed.content.decode()
    taken = phone.post(
        f"/j/{workshop.code}/plenary/dot/", {"item": f"b{basket.pk}", "action": "take"}
    )
    assert 'data-left="3"' in taken.content.decode()
    assert not Dot.objects.exists()


def test_a_dot_tap_sent_again_is_answered_as_placed_and_spends_nothing(
    voting, built, phone, workshop
):
    """Its answer was lost (the server died on the way back): the phone's item still holds
    the same client_id, and the tap sent again finds the dot it placed."""
    basket, _, _ = built
    shown = phone.get(f"/j/{workshop.code}/").content.decode()
    client_id = re.search(
        rf'value="b{basket.pk}"><input type="hidden" name="client_id" value="([^"]+)"', shown
    ).group(1)
    tap = {"item": f"b{basket.pk}", "action": "place", "client_id": client_id}
    first = phone.post(f"/j/{workshop.code}/plenary/dot/", tap)
    again = phone.post(f"/j/{workshop.code}/plenary/dot/", tap)
    assert (first.status_code, again.status_code) == (200, 200)
    assert 'data-left="2"' in again.content.decode()
    assert [str(dot.client_id) for dot in Dot.objects.all()] == [client_id]
    # The item comes back drawn with a fresh id: the next tap places a second dot.
    fresh_id = re.search(r'name="client_id" value="([^"]+)"', first.content.decode()).group(1)
    assert fresh_id != client_id


def test_a_dot_over_the_budget_says_why(voting, built, phone, workshop):
    basket, first, second = built
    for item in (f"b{basket.pk}", f"t{first.pk}", f"t{second.pk}"):
        phone.post(f"/j/{workshop.code}/plenary/dot/", {"item": item})
    refused = phone.post(f"/j/{workshop.code}/plenary/dot/", {"item": f"b{basket.pk}"})
    assert refused.status_code == 422
    # Said in the item tapped, where the participant looks; the panel's line is cleared.
    item = refused.content.decode().split("</li>")[0]
    assert 'class="errors dot-problem" role="alert"' in item
    assert "gommette" in item
    assert (
        'id="plenary-problem" role="alert" hidden hx-swap-oob="true">' in refused.content.decode()
    )


def test_one_budget_covers_the_dots_and_answers_of_one_phone(
    settings, voting, built, phone, workshop, alice
):
    forget_write_budget(alice)  # what the fixtures wrote (her post-its) is not this minute's
    settings.WRITES_PER_MINUTE = 3
    basket, _, _ = built
    dot_url, answer_url = f"/j/{workshop.code}/plenary/dot/", f"/j/{workshop.code}/plenary/answer/"
    statuses = [
        phone.post(dot_url, {"item": f"b{basket.pk}", "action": action}).status_code
        for action in ("place", "take")
    ]
    statuses += [
        phone.post(answer_url, {"question": "1", "q1-question": "1", "q1-text": text}).status_code
        for text in ("Un",)
    ]
    assert statuses == [200, 200, 200]
    kept = phone.post(answer_url, {"question": "1", "q1-question": "1", "q1-text": "Deux gardé"})
    assert kept.status_code == 429
    assert "Deux gardé" in kept.content.decode()
    assert phone.post(dot_url, {"item": f"b{basket.pk}"}).status_code == 429
    assert list(Answer.objects.values_list("text", flat=True)) == ["Un"]
    assert not Dot.objects.exists()


def test_a_dot_while_voting_is_closed_is_409(plenary, built, phone, workshop):
    basket, _, _ = built
    refused = phone.post(f"/j/{workshop.code}/plenary/dot/", {"item": f"b{basket.pk}"})
    assert refused.status_code == 409


def test_a_too_long_answer_keeps_the_text(plenary, phone, workshop):
    text = "x" * 501
    refused = phone.post(
        f"/j/{workshop.code}/plenary/answer/",
        {"question": "0", "q0-question": "0", "q0-text": text},
    )
    assert refused.status_code == 422
    assert text in refused.content.decode()


def test_the_console_moderates_and_the_projector_shows_only_what_was_shown(
    plenary, laptop, workshop, alice, bruno
):
    shown = services.answer_create(participant=fresh(alice), question=0, text="Montrée")
    services.answer_create(participant=fresh(bruno), question=0, text="Cachée")
    console = laptop.get(f"/w/{workshop.pk}/console/").content.decode()
    assert "Montrée" in console and "Cachée" in console and "Alice" in console
    laptop.post(f"/w/{workshop.pk}/plenary/answers/show/", {"answer": shown.pk, "shown": "1"})
    for path in (f"/w/{workshop.pk}/plenary/wall/", f"/w/{workshop.pk}/plenary/wall/content/"):
        page = laptop.get(path).content.decode()
        assert "Montrée" in page
        assert "Cachée" not in page and "Alice" not in page and "Bruno" not in page


def test_the_presenter_page_shows_the_current_basket(every_basket, laptop, workshop):
    page = laptop.get(f"/w/{workshop.pk}/plenary/present/").content.decode()
    assert 'id="presenter-slide"' in page and "1 / 9" in page
    laptop.post(f"/w/{workshop.pk}/plenary/present/move/", {"to": "next"})
    assert "2 / 9" in laptop.get(f"/w/{workshop.pk}/plenary/present/slide/").content.decode()


def test_the_slide_shows_the_territories_transactions_and_gauge(plenary, laptop, workshop):
    services.presenter_move(workshop=workshop, to="next")  # BM ↔ COB first, then BM ↔ PdB
    html = selectors.render_slide(workshop)
    assert "Brest Métropole" in html and "Pays de Brest" in html
    assert "Port de Brest" in html and "Bois-énergie" in html
    assert 'class="gauge"' in html


def test_the_settings_page_changes_the_questions(plenary, laptop, workshop):
    assert laptop.get(f"/w/{workshop.pk}/plenary/settings/").status_code == 200
    saved = laptop.post(
        f"/w/{workshop.pk}/plenary/settings/",
        {
            "questions": "Première ?\nSeconde ?",
            "dots_per_participant": 4,
            "dots_per_item": 1,
            "order": "pairs",
        },
    )
    assert saved.status_code == 302
    plenary.refresh_from_db()
    assert plenary.questions == ["Première ?", "Seconde ?"]
    assert (plenary.dots_per_participant, plenary.dots_per_item, plenary.order) == (4, 1, "pairs")


def test_voting_and_results_from_the_console(plenary, laptop, workshop):
    laptop.post(f"/w/{workshop.pk}/plenary/voting/", {"open": "1"})
    laptop.post(f"/w/{workshop.pk}/plenary/results/", {"shown": "1"})
    plenary.refresh_from_db()
    assert plenary.voting_open and plenary.results_shown


def test_an_item_s_place_button_is_disabled_at_its_cap(voting, built, phone, workshop):
    basket, _, _ = built
    for _ in range(2):
        html = phone.post(f"/j/{workshop.code}/plenary/dot/", {"item": f"b{basket.pk}"})
    html = html.content.decode()
    item = html[html.index(f'data-item="b{basket.pk}"') :]
    item = item[: item.index("</li>")]
    assert "dot-place" not in item and "dot-take" in item


def test_the_slide_shows_the_tables_verdict_and_how_far_its_conditions_went(
    plenary, laptop, workshop
):
    """The conditions phase's verdict comes on the slide (baskets/_slide_conditions.html,
    registered as a slide part), beside the gauge that is the arithmetic."""
    from baskets.conditions import services as conditions
    from baskets.models import Basket

    services.presenter_move(workshop=workshop, to="next")  # BM ↔ PdB at table 1
    basket = Basket.objects.get(
        table__workshop=workshop,
        table__number=1,
        side_a__territory__short_name="BM",
        side_b__territory__short_name="PdB",
    )
    conditions.conditions_save(
        basket=basket,
        by=None,
        version=0,
        verdict="conditional",
        condition="que l'offre de santé soit vraiment déployée",
    )

    html = selectors.render_slide(workshop)

    assert "que l&#x27;offre de santé soit vraiment déployée" in html
    assert 'data-verdict="conditional"' in html and 'class="gauge"' in html


def test_a_slide_holds_the_whole_basket_for_the_screen_to_cut(
    plenary, built, laptop, workshop, alice, make_postit
):
    """Three transactions and four filled conditions: all of them on the basket's one
    slide, each a unit the presenter's screen may move to a next part (presenter.js)."""
    from baskets import services as basket_services
    from baskets.conditions import services as conditions
    from baskets.models import ConditionItem
    from workshops.models import Phase

    basket, _, _ = built
    goto(workshop, Phase.Kind.NEGOTIATION)
    offer = make_postit(fresh(alice), text="Navettes maritimes", kind="offer")
    basket_services.transaction_create(
        basket=basket, by=fresh(alice), giver=alice.subgroup, offer=offer
    )
    goto(workshop, Phase.Kind.PLENARY)
    conditions.ensure_defaults(workshop)
    items = list(ConditionItem.objects.filter(workshop=workshop).order_by("position")[:4])
    conditions.conditions_save(
        basket=basket,
        by=None,
        version=0,
        verdict="balanced",
        answers={item.pk: (True, f"Texte {n}") for n, item in enumerate(items)},
    )

    html = laptop.get(f"/w/{workshop.pk}/plenary/present/slide/").content.decode()

    assert html.count('class="slide-transaction slide-unit"') == 3
    assert html.count('class="slide-condition"') == 4
    assert f'{items[0].title}</strong> : <span dir="auto">Texte 0' in html
    assert 'data-verdict="balanced"' in html and "Navettes maritimes" in html
    assert f'data-basket="{basket.pk}"' in html and 'data-part="0"' in html


def test_the_scores_stand_apart_from_the_need(plenary, built, workshop):
    html = selectors.render_slide(workshop)
    transaction = html[html.index('class="slide-transaction') :]
    transaction = transaction[: transaction.index("</li>")]
    what = transaction[: transaction.index('class="slide-scores"')]
    assert "Port de Brest" in what and "Valeur" not in what
    assert 'class="slide-scores"' in transaction and "Effort <strong>2</strong>" in transaction


def test_the_console_goes_to_a_table_and_toggles_the_empty_baskets(every_basket, laptop, workshop):
    console = laptop.get(f"/w/{workshop.pk}/console/").content.decode()
    assert 'id="presenter-goto"' in console and '<option value="table:3">' in console
    assert (
        laptop.post(f"/w/{workshop.pk}/plenary/present/move/", {"to": "table:3"}).status_code == 302
    )
    html = laptop.get(f"/w/{workshop.pk}/plenary/present/slide/").content.decode()
    assert 'data-slide="7"' in html and "Table 3" in html
    assert (
        laptop.post(f"/w/{workshop.pk}/plenary/present/move/", {"to": "table:9"}).status_code == 400
    )
    laptop.post(f"/w/{workshop.pk}/plenary/present/move/", {"empty": "0"})
    every_basket.refresh_from_db()
    assert not every_basket.include_empty
    assert (
        "Sauter les paniers vides" not in laptop.get(f"/w/{workshop.pk}/console/").content.decode()
    )


def test_the_presenter_s_screen_says_how_many_parts_its_basket_takes(
    plenary, built, laptop, workshop
):
    basket, _, _ = built
    url = f"/w/{workshop.pk}/plenary/present/parts/"
    assert laptop.post(url, {"basket": basket.pk, "parts": "2"}).status_code == 204
    plenary.refresh_from_db()
    assert plenary.parts == 2
    assert laptop.post(url, {"basket": "x", "parts": "2"}).status_code == 400
    console = laptop.get(f"/w/{workshop.pk}/console/").content.decode()
    assert "partie 1 sur 2" in console


def test_a_few_conditions_share_the_basket_s_last_slide(plenary, built, workshop):
    from baskets.conditions import services as conditions
    from baskets.models import ConditionItem

    basket, _, _ = built  # two transactions: room for one condition beside them
    conditions.ensure_defaults(workshop)
    item = ConditionItem.objects.filter(workshop=workshop).order_by("position").first()
    conditions.conditions_save(basket=basket, by=None, version=0, answers={item.pk: (False, "Oui")})

    slide = selectors.slide_of(workshop, basket)
    assert (slide.part, slide.parts, len(slide.lines)) == (1, 1, 1)


def test_the_settings_page_shows_the_empty_baskets_on_the_presenter(plenary, laptop, workshop):
    page = laptop.get(f"/w/{workshop.pk}/plenary/settings/").content.decode()
    assert 'name="include_empty"' in page
    data = {"questions": "Q ?", "dots_per_participant": 3, "dots_per_item": 2, "order": "tables"}
    laptop.post(f"/w/{workshop.pk}/plenary/settings/", {**data, "include_empty": "on"})
    assert selectors.presenter(workshop).count == 9
    laptop.post(f"/w/{workshop.pk}/plenary/settings/", data)
    assert selectors.presenter(workshop).count == 1


def test_an_answer_sent_after_the_plenary_ended_leaves_the_form_as_typed(plenary, phone, workshop):
    from workshops.models import Phase

    goto(workshop, Phase.Kind.CONDITIONS)  # the facilitator went back meanwhile
    refused = phone.post(
        f"/j/{workshop.code}/plenary/answer/",
        {"question": "1", "q1-question": "1", "q1-text": "Gardée", "q1-client_id": ""},
    )
    assert refused.status_code == 409
    assert refused["HX-Reswap"] == "none"  # the panel, and the answer typed in it, stay
    assert 'id="request-problem"' in refused.content.decode()
    assert not Answer.objects.exists()


def test_a_refused_answer_without_scripts_comes_back_as_a_page_with_the_text(
    plenary, participant_client, alice, workshop
):
    refused = participant_client(alice).post(
        f"/j/{workshop.code}/plenary/answer/",
        {"question": "1", "q1-question": "1", "q1-text": "x" * 501, "q1-client_id": ""},
    )
    assert refused.status_code == 422
    html = refused.content.decode()
    assert "<html" in html and "x" * 501 in html and 'class="errors"' in html
