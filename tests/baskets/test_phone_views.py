"""The phone's baskets: what the page shows, building a transaction by taps, and every
refusal keeping what was typed."""

import re
import uuid

import pytest

from baskets.models import Transaction
from tests.conftest import forget_write_budget, fr, goto, request_problem
from workshops.models import Phase, PostIt

pytestmark = pytest.mark.django_db


def url(participant, path: str) -> str:
    return f"/j/{participant.workshop.code}/baskets/{path}"


@pytest.fixture
def alices_phone(participant_client, alice):
    client = participant_client(alice)
    client.defaults["HTTP_HX_REQUEST"] = "true"
    return client


@pytest.fixture
def brunos_phone(participant_client, bruno):
    client = participant_client(bruno)
    client.defaults["HTTP_HX_REQUEST"] = "true"
    return client


# The page -------------------------------------------------------------------------


def test_it_shows_no_baskets_while_post_its_are_written(participant_client, alice, bruno):
    content = participant_client(alice).get(f"/j/{alice.workshop.code}/").content.decode()
    assert 'id="baskets-phone"' not in content


def test_it_shows_the_grid_and_our_baskets_first_in_the_negotiation(
    participant_client, alice, bruno, colette, basket, make_postit
):
    make_postit(bruno, text="Besoin de logements", kind="need")
    content = participant_client(colette).get(f"/j/{alice.workshop.code}/").content.decode()

    assert 'id="baskets-phone"' in content
    assert "Besoin de logements" in content
    baskets = re.findall(r'<section class="basket[^"]*" id="basket-(\d+)"', content)
    assert len(baskets) == 3  # three territories at the table: three pairs
    own = [
        b.pk
        for b in basket.table.baskets.all()
        if colette.subgroup_id in (b.side_a_id, b.side_b_id)
    ]
    assert {int(pk) for pk in baskets[:2]} == set(own)
    assert int(baskets[2]) == basket.pk  # Alice's and Bruno's, which Colette only reads
    assert f'id="transaction-slot-{basket.pk}"' not in content
    assert content.count('class="transaction-slot"') == 2


def test_it_keeps_baskets_to_read_in_a_later_phase(participant_client, alice, basket):
    goto(alice.workshop, Phase.Kind.CONDITIONS)
    content = participant_client(alice).get(f"/j/{alice.workshop.code}/").content.decode()
    assert f'id="basket-{basket.pk}"' in content
    assert "transaction-slot" not in content
    assert fr("Baskets can be read, no longer changed.") in content


def test_it_refreshes_the_panels_on_their_own(alices_phone, alice, basket):
    content = alices_phone.get(f"/j/{alice.workshop.code}/panels/").content.decode()
    assert f'id="basket-{basket.pk}"' in content


def test_it_filters_the_grid_by_territory_and_theme(
    alices_phone, alice, bruno, basket, make_postit
):
    make_postit(alice, text="Chaufferies bois", theme="Énergie")
    make_postit(alice, text="Cantines bio", theme="Alimentation")
    make_postit(bruno, text="Forêts à gérer", theme="Énergie")

    by_theme = alices_phone.get(url(alice, "grid/"), {"theme": "Énergie"}).content.decode()
    assert "Chaufferies bois" in by_theme and "Forêts à gérer" in by_theme
    assert "Cantines bio" not in by_theme

    territory = bruno.subgroup.territory_id
    by_territory = alices_phone.get(url(alice, "grid/"), {"territory": territory}).content.decode()
    assert "Forêts à gérer" in by_territory and "Chaufferies bois" not in by_territory


def test_it_shows_the_grid_filtered_in_a_page_of_its_own_without_scripts(
    participant_client, alice, basket, make_postit
):
    make_postit(alice, text="Chaufferies bois", theme="Énergie")
    response = participant_client(alice).get(url(alice, "grid/"), {"theme": "Mobilité"})
    content = response.content.decode()
    assert "<html" in content and "Chaufferies bois" not in content


# Building a transaction --------------------------------------------------------------


def test_it_builds_a_transaction_from_taps(alices_phone, alice, bruno, basket, make_postit):
    offer = make_postit(alice, text="Bois-énergie", kind="offer")
    need = make_postit(bruno, text="Chaleur pour l'hôpital", kind="need")
    form = alices_phone.get(url(alice, f"{basket.pk}/new/")).content.decode()
    client_id = re.search(r'name="client_id" value="([^"]+)"', form).group(1)

    response = alices_phone.post(
        url(alice, f"{basket.pk}/add/"),
        {
            "giver": alice.subgroup_id,
            "offer": offer.pk,
            "needs": [need.pk],
            "note": "En contrepartie de bois",
            "score": 2,
            "client_id": client_id,
        },
    )

    assert response.status_code == 200
    transaction = Transaction.objects.get()
    assert (transaction.offer, transaction.giver_id, transaction.author) == (
        offer,
        alice.subgroup_id,
        alice,
    )
    assert list(transaction.needs.all()) == [need]
    assert (transaction.effort, transaction.value) == (2, None)  # we give: our effort
    content = response.content.decode()
    assert "add-transaction" in content
    assert re.search(rf'id="basket-{basket.pk}"[^>]*hx-swap-oob="true"', content)


def test_it_sets_the_value_when_the_other_side_gives(
    alices_phone, alice, bruno, basket, make_postit
):
    offer = make_postit(bruno, text="Foncier", kind="offer")
    form = alices_phone.get(url(alice, f"{basket.pk}/new/"), {"giver": bruno.subgroup_id})
    assert "Foncier" in form.content.decode()

    alices_phone.post(
        url(alice, f"{basket.pk}/add/"), {"giver": bruno.subgroup_id, "offer": offer.pk, "score": 5}
    )

    transaction = Transaction.objects.get()
    assert (transaction.giver_id, transaction.value, transaction.effort) == (
        bruno.subgroup_id,
        5,
        None,
    )


def test_it_writes_a_new_offer_right_there_and_puts_it_on_the_grid(alices_phone, alice, basket):
    alices_phone.post(
        url(alice, f"{basket.pk}/add/"),
        {
            "giver": alice.subgroup_id,
            "new_offer_text": "Ingénierie partagée",
            "new_offer_theme": "",
        },
    )
    offer = PostIt.objects.get(text="Ingénierie partagée")
    assert (offer.kind, offer.subgroup_id, offer.author) == ("offer", alice.subgroup_id, alice)
    assert Transaction.objects.get().offer == offer


def test_it_writes_once_per_form_whatever_the_retries(alices_phone, alice, basket):
    data = {
        "giver": alice.subgroup_id,
        "new_offer_text": "Une seule fois",
        "client_id": str(uuid.uuid4()),
    }
    first = alices_phone.post(url(alice, f"{basket.pk}/add/"), data)
    again = alices_phone.post(url(alice, f"{basket.pk}/add/"), data)

    assert (first.status_code, again.status_code) == (200, 200)
    assert Transaction.objects.count() == 1
    assert PostIt.objects.filter(text="Une seule fois").count() == 1


def test_it_asks_for_an_offer(alices_phone, alice, basket):
    response = alices_phone.post(
        url(alice, f"{basket.pk}/add/"), {"giver": alice.subgroup_id, "note": "Ma note"}
    )
    assert response.status_code == 422
    assert "Ma note" in response.content.decode()
    assert not Transaction.objects.exists()


def test_it_refuses_a_need_of_the_giver_s_own_side(alices_phone, alice, basket, make_postit):
    offer = make_postit(alice, text="Bois")
    own_need = make_postit(alice, text="Nos besoins", kind="need")
    response = alices_phone.post(
        url(alice, f"{basket.pk}/add/"),
        {"giver": alice.subgroup_id, "offer": offer.pk, "needs": [own_need.pk]},
    )
    assert response.status_code == 422
    assert not Transaction.objects.exists()


# The gate: closed phases answer 409 with the text kept -------------------------------


def test_it_keeps_the_typed_text_when_the_phase_closed_baskets(alices_phone, alice, basket):
    goto(alice.workshop, Phase.Kind.CONDITIONS)
    response = alices_phone.post(
        url(alice, f"{basket.pk}/add/"),
        {"giver": alice.subgroup_id, "new_offer_text": "Texte tapé", "note": "Note tapée"},
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "Texte tapé" in content and "Note tapée" in content
    assert 'class="gate-message" role="status"' in content and "hidden" not in re.search(
        r'<p class="gate-message"[^>]*>', content
    ).group(0)
    assert not Transaction.objects.exists()
    assert not PostIt.objects.filter(text="Texte tapé").exists()


def test_it_keeps_an_edit_when_the_phase_closed_baskets(
    alices_phone, alice, basket, make_transaction
):
    transaction = make_transaction(basket, alice, note="Avant")
    goto(alice.workshop, Phase.Kind.PLENARY)
    response = alices_phone.post(
        url(alice, f"t/{transaction.pk}/edit/"),
        {"offer": transaction.offer_id, "note": "Ma nouvelle note", "version": 1},
    )
    assert response.status_code == 409
    assert "Ma nouvelle note" in response.content.decode()
    transaction.refresh_from_db()
    assert transaction.note == "Avant"


def test_it_refuses_a_tap_when_the_phase_closed_baskets(
    alices_phone, alice, basket, make_transaction
):
    transaction = make_transaction(basket, alice)
    goto(alice.workshop, Phase.Kind.CONDITIONS)
    response = alices_phone.post(url(alice, f"t/{transaction.pk}/score/"), {"score": 3})
    assert response.status_code == 409
    assert request_problem(response.content.decode())
    transaction.refresh_from_db()
    assert transaction.effort is None


# Versions: a stale edit is refused with what it says now, and what was typed ---------


def test_it_refuses_a_stale_edit_showing_the_current_content_and_keeping_the_typed_one(
    alices_phone, brunos_phone, alice, bruno, basket, make_transaction
):
    transaction = make_transaction(basket, alice, note="Au départ")
    brunos_phone.post(
        url(bruno, f"t/{transaction.pk}/edit/"),
        {"offer": transaction.offer_id, "note": "Bruno est passé avant", "version": 1},
    )

    response = alices_phone.post(
        url(alice, f"t/{transaction.pk}/edit/"),
        {"offer": transaction.offer_id, "note": "Ce qu'Alice a tapé", "version": 1},
    )

    assert response.status_code == 409
    content = response.content.decode()
    assert "Bruno est passé avant" in content  # what it says now
    assert "Ce qu&#x27;Alice a tapé" in content  # what she typed, kept in the form
    assert re.search(r'name="version" value="2"', content)  # saving again replaces it
    transaction.refresh_from_db()
    assert transaction.note == "Bruno est passé avant"

    again = alices_phone.post(
        url(alice, f"t/{transaction.pk}/edit/"),
        {"offer": transaction.offer_id, "note": "Ce qu'Alice a tapé", "version": 2},
    )
    assert again.status_code == 200
    transaction.refresh_from_db()
    assert transaction.note == "Ce qu'Alice a tapé"


def test_it_refuses_a_stale_delete(
    alices_phone, brunos_phone, alice, bruno, basket, make_transaction
):
    transaction = make_transaction(basket, alice, note="Au départ")
    brunos_phone.post(
        url(bruno, f"t/{transaction.pk}/edit/"),
        {"offer": transaction.offer_id, "note": "Changée", "version": 1},
    )
    response = alices_phone.post(url(alice, f"t/{transaction.pk}/delete/"), {"version": 1})
    assert response.status_code == 409
    assert "Changée" in response.content.decode()
    assert Transaction.objects.filter(pk=transaction.pk).exists()

    assert (
        alices_phone.post(url(alice, f"t/{transaction.pk}/delete/"), {"version": 2}).status_code
        == 200
    )
    assert not Transaction.objects.exists()


# Each side's number ----------------------------------------------------------------


def test_it_sets_each_side_s_own_number_by_a_tap(
    alices_phone, brunos_phone, alice, bruno, basket, make_transaction
):
    transaction = make_transaction(basket, alice)

    given = brunos_phone.post(url(bruno, f"t/{transaction.pk}/score/"), {"score": 4})
    alices_phone.post(url(alice, f"t/{transaction.pk}/score/"), {"score": 2})

    transaction.refresh_from_db()
    assert (transaction.value, transaction.effort) == (4, 2)
    assert re.search(rf'id="basket-{basket.pk}"[^>]*hx-swap-oob="true"', given.content.decode())


def test_it_refuses_a_number_out_of_range(alices_phone, alice, basket, make_transaction):
    transaction = make_transaction(basket, alice)
    response = alices_phone.post(url(alice, f"t/{transaction.pk}/score/"), {"score": 9})
    assert response.status_code == 422
    transaction.refresh_from_db()
    assert transaction.effort is None


def test_it_limits_the_writes_of_one_phone(settings, alices_phone, alice, basket, make_transaction):
    settings.WRITES_PER_MINUTE = 2
    transaction = make_transaction(basket, alice)
    forget_write_budget(alice)  # what the fixtures wrote (her post-its) is not this minute's
    statuses = [
        alices_phone.post(url(alice, f"t/{transaction.pk}/score/"), {"score": n}).status_code
        for n in (1, 2, 3)
    ]
    assert statuses == [200, 200, 429]
    response = alices_phone.post(
        url(alice, f"{basket.pk}/add/"), {"giver": alice.subgroup_id, "new_offer_text": "Gardé"}
    )
    assert response.status_code == 429
    assert "Gardé" in response.content.decode()


# Without scripts ----------------------------------------------------------------------


def test_it_works_without_scripts(participant_client, alice, basket):
    client = participant_client(alice)
    page = client.get(url(alice, f"{basket.pk}/new/"))
    assert "<html" in page.content.decode()

    response = client.post(
        url(alice, f"{basket.pk}/add/"),
        {"giver": alice.subgroup_id, "new_offer_text": "Sans script"},
    )

    assert response.status_code == 302
    assert response["Location"] == url(alice, f"{basket.pk}/")
    assert "Sans script" in client.get(response["Location"]).content.decode()


# Post-its in baskets -----------------------------------------------------------------


def test_it_refuses_to_delete_a_post_it_a_basket_shows_and_names_the_basket(
    phone, alice, basket, make_transaction, alices_postit
):
    make_transaction(basket, alice, offer=alices_postit)

    response = phone.post(f"/p/{alices_postit.pk}/delete/")

    assert response.status_code == 409
    assert "BM ↔ PdB" in request_problem(response.content.decode())
    assert PostIt.objects.filter(pk=alices_postit.pk).exists()


def test_it_marks_our_side_in_the_page_for_when_scripts_do_not_run(
    participant_client, alice, bruno, colette, basket, make_transaction
):
    transaction = make_transaction(basket, alice)
    mine = rf'<section class="basket [^"]*\bmine\b[^"]*" id="basket-{basket.pk}"'
    alices = participant_client(alice).get(url(alice, f"{basket.pk}/")).content.decode()
    assert re.search(mine, alices)
    assert f'<li class="transaction we-give" id="transaction-{transaction.pk}"' in alices
    brunos = participant_client(bruno).get(url(bruno, f"{basket.pk}/")).content.decode()
    assert f'<li class="transaction we-receive" id="transaction-{transaction.pk}"' in brunos
    colettes = participant_client(colette).get(url(colette, f"{basket.pk}/")).content.decode()
    assert not re.search(mine, colettes)
    assert f'<li class="transaction" id="transaction-{transaction.pk}"' in colettes


def test_it_sets_a_number_without_scripts(
    participant_client, bruno, alice, basket, make_transaction
):
    transaction = make_transaction(basket, alice)
    response = participant_client(bruno).post(
        url(bruno, f"t/{transaction.pk}/score/"), {"score": 3}
    )
    assert response.status_code == 302
    transaction.refresh_from_db()
    assert transaction.value == 3
