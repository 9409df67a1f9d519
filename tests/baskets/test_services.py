"""Writes on baskets (baskets/services.py): checks, versions, the gate, the broadcast."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db.models import RestrictedError

from baskets import services
from baskets.broadcast import Change, broadcast_basket, broadcast_transaction
from baskets.models import MAX_TRANSACTIONS_PER_BASKET, AnsweredNeed, Basket, Transaction
from territories.models import Territory
from tests.conftest import basket_of, subgroup_of
from workshops import services as room
from workshops.broadcast import broadcast_postit
from workshops.gate import PhaseClosed
from workshops.models import PostIt
from workshops.selectors import cell_postits

pytestmark = pytest.mark.django_db


def sent(callbacks, announce=broadcast_transaction) -> list[tuple]:
    """The arguments of the captured on_commit callbacks that would call ``announce``."""
    return [c.args for c in callbacks if c.func is announce]


@pytest.fixture
def port(alice, make_postit):
    return make_postit(alice, text="Port de Brest : hub import / export.", kind="offer")


@pytest.fixture
def cantines(alice, make_postit):
    return make_postit(alice, text="80 % de bio dans les cantines", kind="need")


@pytest.fixture
def bio(bruno, make_postit):
    return make_postit(bruno, text="Production alimentaire bio", kind="offer")


@pytest.fixture
def foncier(bruno, make_postit):
    return make_postit(bruno, text="Préserver le foncier agricole", kind="need")


@pytest.fixture
def voiture(bruno, make_postit):
    return make_postit(bruno, text="Moins de voiture individuelle", kind="need")


def give(basket, by, offer, needs=(), **fields) -> Transaction:
    return services.transaction_create(
        basket=basket, by=by, giver=by.subgroup, offer=offer, needs=list(needs), **fields
    )


# ensure_baskets ----------------------------------------------------------------------


def more_territories(count: int) -> list[Territory]:
    return [
        Territory.objects.create(name=f"Territoire {i}", short_name=f"T{i}", kind="pays")
        for i in range(count)
    ]


@pytest.mark.parametrize("territory_count, per_table", [(3, 3), (4, 6), (6, 15)])
def test_each_table_gets_one_basket_per_pair_of_territories(owner, territory_count, per_table):
    workshop = room.workshop_create(
        created_by=owner,
        title="Paires",
        territories=more_territories(territory_count),
        table_count=2,
    )

    for table in workshop.tables.all():
        baskets = Basket.objects.filter(table=table)
        assert baskets.count() == per_table
        assert all(b.side_a.table_id == b.side_b.table_id == table.pk for b in baskets)
        pairs = {frozenset({b.side_a_id, b.side_b_id}) for b in baskets}
        assert len(pairs) == per_table


def test_side_a_is_the_first_territory_by_name(workshop):
    for basket in Basket.objects.filter(table__workshop=workshop):
        assert basket.side_a.territory.name < basket.side_b.territory.name


def test_ensure_baskets_is_idempotent(workshop):
    before = list(Basket.objects.order_by("pk").values_list("pk", "side_a", "side_b"))

    services.ensure_baskets(workshop)
    services.ensure_baskets(workshop)

    assert list(Basket.objects.order_by("pk").values_list("pk", "side_a", "side_b")) == before
    assert len(before) == 9


def test_a_table_or_territory_added_later_gets_its_baskets(workshop, territories):
    fourth = more_territories(1)

    room.workshop_update(workshop, territories=[*territories, *fourth], table_count=4)

    assert workshop.tables.count() == 4
    for table in workshop.tables.all():
        assert Basket.objects.filter(table=table).count() == 6


# transaction_create ------------------------------------------------------------------


def test_a_transaction_gives_one_of_the_giver_s_offers_for_the_receiver_s_needs(
    basket, alice, port, foncier, voiture
):
    created = give(basket, alice, port, [foncier, voiture], note="  en contrepartie du bois ")

    created.refresh_from_db()
    assert created.giver == alice.subgroup
    assert created.offer == port
    assert set(created.needs.all()) == {foncier, voiture}
    assert created.note == "en contrepartie du bois"
    assert (created.author, created.version) == (alice, 1)


@pytest.mark.parametrize(
    "what",
    ["offer of the receiver", "a need as offer", "need of the giver", "offer as need"],
)
def test_it_refuses_post_its_that_are_not_the_giver_s_offers_or_the_receiver_s_needs(
    basket, alice, port, cantines, bio, foncier, what
):
    offer, needs = {
        "offer of the receiver": (bio, []),
        "a need as offer": (cantines, []),
        "need of the giver": (port, [cantines]),
        "offer as need": (port, [bio]),
    }[what]

    with pytest.raises(ValidationError):
        give(basket, alice, offer, needs)

    assert not Transaction.objects.exists()


def test_it_refuses_a_post_it_of_another_table(basket, alice, chloe, make_postit):
    elsewhere = make_postit(chloe, text="Port, table 2", kind="offer")

    with pytest.raises(ValidationError):
        services.transaction_create(basket=basket, by=None, giver=alice.subgroup, offer=elsewhere)


def test_it_refuses_a_giver_outside_the_basket(negotiating, basket, make_postit):
    cob = subgroup_of(negotiating, 1, "COB")
    offer = room.postit_create(subgroup=cob, author=None, kind="offer", text="Bois")

    with pytest.raises(ValidationError):
        services.transaction_create(basket=basket, by=None, giver=cob, offer=offer)


def test_it_refuses_more_needs_than_the_cap(basket, alice, bruno, port, make_postit):
    from baskets.models import MAX_NEEDS_PER_TRANSACTION

    needs = [
        make_postit(bruno, text=f"Besoin {i}", kind="need")
        for i in range(MAX_NEEDS_PER_TRANSACTION + 1)
    ]

    with pytest.raises(ValidationError):
        give(basket, alice, port, needs)


def test_a_new_offer_written_in_the_basket_shows_on_the_grid(
    basket, alice, foncier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        created = services.transaction_create(
            basket=basket,
            by=alice,
            giver=alice.subgroup,
            new_offer_text=" Ingénierie urbanisme ",
            needs=[foncier],
        )

    offer = PostIt.objects.get(text="Ingénierie urbanisme")
    assert created.offer == offer
    assert (offer.subgroup, offer.kind, offer.author) == (alice.subgroup, "offer", alice)
    assert offer in cell_postits(alice.subgroup, "offer")  # on the grid, in its cell
    assert sent(callbacks, broadcast_postit) == [(offer.pk,)]  # sent live
    assert sent(callbacks) == [(basket.pk, created.pk, Change.CREATED)]


def test_it_asks_for_an_offer_or_a_new_one(basket, alice):
    with pytest.raises(ValidationError):
        services.transaction_create(
            basket=basket, by=alice, giver=alice.subgroup, new_offer_text=" "
        )


def test_the_same_client_id_writes_once_and_announces_once(
    basket, alice, port, django_capture_on_commit_callbacks
):
    client_id = uuid.uuid4()
    with django_capture_on_commit_callbacks() as callbacks:
        first = give(basket, alice, port, client_id=client_id)
        again = give(basket, alice, port, client_id=client_id, note="renvoyé")

    assert again.pk == first.pk
    assert Transaction.objects.count() == 1
    assert Transaction.objects.get().note == ""
    assert sent(callbacks) == [(basket.pk, first.pk, Change.CREATED)]


def test_the_same_client_id_from_another_author_is_another_transaction(
    basket, alice, bruno, port, bio
):
    client_id = uuid.uuid4()

    give(basket, alice, port, client_id=client_id)
    give(basket, bruno, bio, client_id=client_id)

    assert Transaction.objects.count() == 2


def test_a_basket_holds_at_most_the_cap(basket, alice, port):
    Transaction.objects.bulk_create(
        Transaction(basket=basket, giver=alice.subgroup, offer=port)
        for _ in range(MAX_TRANSACTIONS_PER_BASKET)
    )

    with pytest.raises(ValidationError):
        give(basket, alice, port)

    assert basket.transactions.count() == MAX_TRANSACTIONS_PER_BASKET


# Each side's own number ---------------------------------------------------------------


def test_the_receiver_sets_the_value_and_the_giver_the_effort(basket, alice, bruno, port):
    created = give(basket, alice, port, effort=2)

    services.transaction_score(transaction_=created, by=bruno, value=5)
    services.transaction_score(transaction_=created, by=alice, effort=4)

    created.refresh_from_db()
    assert (created.value, created.effort) == (5, 4)
    assert created.version == 1  # a number is not a content edit: no version to race


def test_the_giver_cannot_set_the_value(basket, alice, port):
    with pytest.raises(ValidationError):
        give(basket, alice, port, value=5)
    created = give(basket, alice, port)

    with pytest.raises(ValidationError):
        services.transaction_score(transaction_=created, by=alice, value=5)

    created.refresh_from_db()
    assert created.value is None


def test_the_receiver_cannot_set_the_effort(basket, alice, bruno, port):
    created = give(basket, alice, port)

    with pytest.raises(ValidationError):
        services.transaction_score(transaction_=created, by=bruno, effort=1)


@pytest.mark.parametrize("score", [0, 6])
def test_numbers_are_from_1_to_5(basket, alice, bruno, port, score):
    created = give(basket, alice, port)

    with pytest.raises(ValidationError):
        services.transaction_score(transaction_=created, by=bruno, value=score)


def test_a_score_with_no_number_is_refused(basket, alice, bruno, port):
    created = give(basket, alice, port)

    with pytest.raises(ValidationError):
        services.transaction_score(transaction_=created, by=bruno)


def test_a_facilitator_sets_either_number(basket, alice, port):
    created = give(basket, alice, port)

    services.transaction_score(transaction_=created, by=None, value=3, effort=2)

    created.refresh_from_db()
    assert (created.value, created.effort) == (3, 2)


# The gate ----------------------------------------------------------------------------


def test_outside_negotiation_a_participant_s_write_is_refused(workshop, alice, port):
    """The shared workshop is in its first phase (formulation): baskets are closed."""
    basket = basket_of(workshop, 1, "BM", "PdB")

    with pytest.raises(PhaseClosed):
        give(basket, alice, port)

    assert not Transaction.objects.exists()


def test_outside_negotiation_a_facilitator_still_writes(workshop, alice, port):
    basket = basket_of(workshop, 1, "BM", "PdB")

    created = services.transaction_create(basket=basket, by=None, giver=alice.subgroup, offer=port)
    services.transaction_update(
        transaction_=created, by=None, version=1, offer=port, needs=[], note="à condition que"
    )
    services.transaction_score(transaction_=created, by=None, value=4)
    services.transaction_delete(transaction_=created, by=None, version=2)

    assert not Transaction.objects.exists()


def test_every_participant_write_passes_the_gate(basket, alice, bruno, port, negotiating):
    created = give(basket, alice, port)
    from workshops import phases
    from workshops.models import Phase

    phases.clock_command(
        negotiating,
        phases.ClockCommand.GOTO,
        phase=negotiating.phases.get(kind=Phase.Kind.CONDITIONS),
    )
    created = Transaction.objects.select_related("basket__table__workshop").get(pk=created.pk)

    with pytest.raises(PhaseClosed):
        services.transaction_update(
            transaction_=created, by=alice, version=1, offer=port, needs=[], note="x"
        )
    with pytest.raises(PhaseClosed):
        services.transaction_score(transaction_=created, by=bruno, value=3)
    with pytest.raises(PhaseClosed):
        services.transaction_delete(transaction_=created, by=alice, version=1)

    created.refresh_from_db()
    assert (created.note, created.value, created.version) == ("", None, 1)


# transaction_update ------------------------------------------------------------------


def test_an_edit_from_the_current_version_changes_the_content(
    basket, alice, port, foncier, voiture, make_postit
):
    created = give(basket, alice, port, [foncier])
    other = make_postit(alice, text="Ingénierie", kind="offer")

    services.transaction_update(
        transaction_=created, by=alice, version=1, offer=other, needs=[voiture], note="ok"
    )

    created.refresh_from_db()
    assert (created.offer, created.note, created.version) == (other, "ok", 2)
    assert list(created.needs.all()) == [voiture]


def test_a_stale_edit_is_refused_with_the_current_content(basket, alice, bruno, port, foncier):
    created = give(basket, alice, port)
    mine = Transaction.objects.get(pk=created.pk)
    theirs = Transaction.objects.get(pk=created.pk)
    services.transaction_update(
        transaction_=theirs, by=alice, version=1, offer=port, needs=[foncier], note="premier"
    )

    with pytest.raises(services.StaleEdit) as refused:
        services.transaction_update(
            transaction_=mine, by=alice, version=1, offer=port, needs=[], note="second"
        )

    assert (refused.value.current.note, refused.value.current.version) == ("premier", 2)
    created.refresh_from_db()
    assert created.note == "premier"
    assert list(created.needs.all()) == [foncier]


def test_an_edit_checks_the_post_its_as_a_creation_does(basket, alice, port, bio):
    created = give(basket, alice, port)

    with pytest.raises(ValidationError):
        services.transaction_update(
            transaction_=created, by=alice, version=1, offer=bio, needs=[], note=""
        )

    created.refresh_from_db()
    assert (created.offer, created.version) == (port, 1)


def test_an_edit_of_a_removed_transaction_says_so(basket, alice, port):
    created = give(basket, alice, port)
    Transaction.objects.filter(pk=created.pk).delete()

    with pytest.raises(ValidationError):
        services.transaction_update(
            transaction_=created, by=alice, version=1, offer=port, needs=[], note=""
        )


# transaction_delete ------------------------------------------------------------------


def test_deleting_a_transaction_keeps_its_post_its(basket, alice, port, foncier):
    created = give(basket, alice, port, [foncier])

    services.transaction_delete(transaction_=created, by=alice, version=1)

    assert not Transaction.objects.exists()
    assert not AnsweredNeed.objects.exists()
    assert set(PostIt.objects.filter(pk__in=[port.pk, foncier.pk])) == {port, foncier}


def test_a_stale_delete_is_refused(basket, alice, port):
    created = give(basket, alice, port)
    services.transaction_update(
        transaction_=Transaction.objects.get(pk=created.pk),
        by=alice,
        version=1,
        offer=port,
        needs=[],
        note="changé",
    )

    with pytest.raises(services.StaleEdit):
        services.transaction_delete(transaction_=created, by=alice, version=1)

    assert Transaction.objects.filter(pk=created.pk).exists()


# Post-its in a basket ----------------------------------------------------------------


def test_a_given_offer_cannot_be_deleted(basket, alice, port):
    give(basket, alice, port)

    with pytest.raises(RestrictedError):
        room.postit_delete(postit=port, by=alice)

    assert PostIt.objects.filter(pk=port.pk).exists()


def test_an_answered_need_cannot_be_deleted(basket, alice, bruno, port, foncier):
    give(basket, alice, port, [foncier])

    with pytest.raises(RestrictedError):
        room.postit_delete(postit=foncier, by=bruno)


def test_a_post_it_in_a_basket_keeps_its_kind(basket, alice, bruno, port, foncier):
    give(basket, alice, port, [foncier])

    with pytest.raises(ValidationError) as refused:
        room.postit_update(postit=port, kind="need", text=port.text, by=alice)
    with pytest.raises(ValidationError):
        room.postit_update(postit=foncier, kind="offer", text=foncier.text, by=bruno)

    assert str(basket) in " ".join(refused.value.messages)
    port.refresh_from_db()
    assert port.kind == "offer"


def test_a_post_it_edited_in_a_basket_sends_the_basket_again(
    basket, alice, port, django_capture_on_commit_callbacks
):
    give(basket, alice, port)

    with django_capture_on_commit_callbacks() as callbacks:
        room.postit_update(postit=port, kind="offer", text="Port de Brest, agrandi", by=alice)

    assert sent(callbacks, broadcast_basket) == [(basket.pk,)]


def test_the_baskets_showing_a_post_it_are_named(basket, alice, port, foncier):
    give(basket, alice, port, [foncier])

    assert services.baskets_showing(port.pk) == [basket.pk]
    assert services.baskets_showing(foncier.pk) == [basket.pk]
    assert services.basket_names([basket.pk]) == [str(basket)]


# One broadcast per write --------------------------------------------------------------


def test_each_write_schedules_its_basket_s_broadcast_once(
    basket, alice, bruno, port, foncier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as created_callbacks:
        created = give(basket, alice, port, [foncier])
    created_pk = created.pk
    with django_capture_on_commit_callbacks() as updated_callbacks:
        services.transaction_update(
            transaction_=created, by=alice, version=1, offer=port, needs=[], note="x"
        )
    with django_capture_on_commit_callbacks() as scored_callbacks:
        services.transaction_score(transaction_=created, by=bruno, value=4)
    with django_capture_on_commit_callbacks() as deleted_callbacks:
        services.transaction_delete(transaction_=created, by=alice, version=2)

    for callbacks, change in (
        (created_callbacks, Change.CREATED),
        (updated_callbacks, Change.CHANGED),
        (scored_callbacks, Change.SCORED),
        (deleted_callbacks, Change.DELETED),
    ):
        assert sent(callbacks) == [(basket.pk, created_pk, change)]
        assert len(callbacks) == 1


def test_a_refused_write_broadcasts_nothing(
    basket, alice, port, bio, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(ValidationError):
            give(basket, alice, bio)

    assert callbacks == []


# Found while testing ------------------------------------------------------------------


def test_a_third_territory_of_the_table_cannot_set_the_value(negotiating, basket, alice, port):
    created = give(basket, alice, port)
    cob = room.participant_join(subgroup=subgroup_of(negotiating, 1, "COB"), first_name="Cyril")

    with pytest.raises(ValidationError):
        services.transaction_score(transaction_=created, by=cob, value=5)


def test_a_number_set_on_a_removed_transaction_says_so(basket, alice, bruno, port):
    created = give(basket, alice, port)
    stale = Transaction.objects.select_related("basket__table__workshop").get(pk=created.pk)
    services.transaction_delete(transaction_=created, by=alice, version=1)

    with pytest.raises(ValidationError):
        services.transaction_score(transaction_=stale, by=bruno, value=4)


def test_a_number_does_not_undo_a_content_edit_made_meanwhile(basket, alice, bruno, port):
    created = give(basket, alice, port)
    drawn = Transaction.objects.get(pk=created.pk)  # the form Bruno's phone shows
    services.transaction_update(
        transaction_=created, by=alice, version=1, offer=port, needs=[], note="à condition que"
    )

    services.transaction_score(transaction_=drawn, by=bruno, value=4)

    created.refresh_from_db()
    assert (created.note, created.version, created.value) == ("à condition que", 2, 4)


def test_a_new_offer_sent_twice_with_one_client_id_is_written_once(basket, alice):
    client_id = uuid.uuid4()
    for _ in range(2):
        services.transaction_create(
            basket=basket,
            by=alice,
            giver=alice.subgroup,
            new_offer_text="Lieux de co-working",
            client_id=client_id,
        )

    assert PostIt.objects.filter(text="Lieux de co-working").count() == 1
    assert Transaction.objects.count() == 1
