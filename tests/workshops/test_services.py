import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from tests.conftest import subgroup_of
from workshops import services
from workshops.broadcast import broadcast_postit, broadcast_postit_deleted
from workshops.codes import ALPHABET, LENGTH, looks_like_code
from workshops.models import Participant, PostIt, SubGroup, Table, Workshop, default_themes

pytestmark = pytest.mark.django_db


def announced(callbacks) -> list[tuple]:
    """What the captured on_commit callbacks would broadcast: (what, post-it id, how)."""
    assert all(c.func in (broadcast_postit, broadcast_postit_deleted) for c in callbacks)
    return [(c.func.__name__, *c.args, *c.keywords.values()) for c in callbacks]


# workshop_create ---------------------------------------------------------------


def test_it_creates_numbered_tables_with_one_subgroup_per_territory(workshop, territories):
    assert list(workshop.tables.values_list("number", flat=True)) == [1, 2, 3]
    for table in workshop.tables.all():
        assert sorted(sg.territory_id for sg in table.subgroups.all()) == sorted(
            t.pk for t in territories
        )
    assert SubGroup.objects.filter(table__workshop=workshop).count() == 9
    assert set(workshop.territories.all()) == set(territories)


def test_it_gives_a_new_workshop_a_join_code_from_the_unambiguous_alphabet(workshop):
    assert len(workshop.code) == LENGTH
    assert set(workshop.code) <= set(ALPHABET)
    assert looks_like_code(workshop.code)


def test_it_draws_another_code_when_the_first_one_is_taken(
    workshop, owner, territories, monkeypatch
):
    draws = iter([workshop.code, "QQQQQQ"])
    monkeypatch.setattr(services, "new_join_code", lambda: next(draws))

    second = services.workshop_create(
        created_by=owner, title="Deuxième", territories=territories, table_count=1
    )

    assert second.code == "QQQQQQ"


def test_it_gives_every_workshop_its_own_code(owner, territories):
    codes = {
        services.workshop_create(
            created_by=owner, title=f"Atelier {n}", territories=territories, table_count=1
        ).code
        for n in range(15)
    }
    assert len(codes) == 15


def test_it_makes_the_creator_the_facilitator(workshop, owner):
    assert workshop.created_by == owner
    assert list(workshop.facilitators.all()) == [owner]


def test_it_gives_a_workshop_the_default_themes_unless_told_otherwise(workshop, owner, territories):
    assert workshop.themes == default_themes()
    custom = services.workshop_create(
        created_by=owner,
        title="Thématique",
        territories=territories,
        table_count=1,
        themes=["Eau", "Forêt"],
    )
    assert custom.themes == ["Eau", "Forêt"]


@pytest.mark.parametrize("table_count", [1, services.MAX_TABLES])
def test_it_accepts_table_counts_at_the_bounds(owner, territories, table_count):
    workshop = services.workshop_create(
        created_by=owner, title="Bornes", territories=territories, table_count=table_count
    )
    assert workshop.tables.count() == table_count
    assert SubGroup.objects.filter(table__workshop=workshop).count() == 3 * table_count


@pytest.mark.parametrize("table_count", [0, -1, services.MAX_TABLES + 1])
def test_it_refuses_table_counts_out_of_bounds_and_saves_nothing(owner, territories, table_count):
    with pytest.raises(ValidationError):
        services.workshop_create(
            created_by=owner, title="Hors bornes", territories=territories, table_count=table_count
        )
    assert not Workshop.objects.exists()
    assert not Table.objects.exists()


def test_it_refuses_a_workshop_without_territories(owner):
    with pytest.raises(ValidationError):
        services.workshop_create(created_by=owner, title="Vide", territories=[], table_count=2)
    assert not Workshop.objects.exists()


def test_it_refuses_a_workshop_without_a_title_and_saves_nothing(owner, territories):
    with pytest.raises(ValidationError) as error:
        services.workshop_create(created_by=owner, title="", territories=territories, table_count=2)
    assert "title" in error.value.message_dict
    assert not Workshop.objects.exists()
    assert not Table.objects.exists()


# participant_join --------------------------------------------------------------


def test_it_joins_a_participant_to_the_subgroup_and_its_workshop(workshop):
    subgroup = subgroup_of(workshop, 2, "PdB")

    participant = services.participant_join(subgroup=subgroup, first_name="  Erwan  ")

    participant.refresh_from_db()
    assert participant.first_name == "Erwan"
    assert participant.subgroup == subgroup
    assert participant.workshop == workshop


@pytest.mark.parametrize("first_name", ["", "   ", "x" * 41])
def test_it_refuses_a_blank_or_too_long_first_name(workshop, first_name):
    with pytest.raises(ValidationError) as error:
        services.participant_join(subgroup=subgroup_of(workshop, 1, "BM"), first_name=first_name)
    assert "first_name" in error.value.message_dict
    assert not Participant.objects.exists()


# postit_create -----------------------------------------------------------------


def test_it_creates_a_postit_in_the_subgroup_with_its_author(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        postit = services.postit_create(
            subgroup=alice.subgroup,
            author=alice,
            kind="need",
            text="  Du foncier  ",
            theme=alice.workshop.themes[0],
        )

    postit.refresh_from_db()
    assert (postit.subgroup, postit.author, postit.kind) == (alice.subgroup, alice, "need")
    assert postit.text == "Du foncier"
    assert postit.theme == alice.workshop.themes[0]
    assert announced(callbacks) == [("broadcast_postit", postit.pk, True)]


def test_it_accepts_a_text_of_exactly_the_maximum_length(alice):
    postit = services.postit_create(
        subgroup=alice.subgroup, author=alice, kind="offer", text="x" * 280
    )
    postit.refresh_from_db()
    assert len(postit.text) == 280


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("text", {"text": ""}),
        ("text", {"text": "  \n\t "}),
        ("text", {"text": "x" * 281}),
        ("text", {"text": "  " + "x" * 281 + "  "}),
        ("theme", {"theme": "Astrologie"}),
        ("kind", {"kind": "wish"}),
    ],
    ids=["empty", "whitespace", "too-long", "too-long-after-strip", "unknown-theme", "bad-kind"],
)
def test_it_refuses_an_invalid_postit_and_saves_and_announces_nothing(
    alice, django_capture_on_commit_callbacks, field, values
):
    arguments = {"kind": "offer", "text": "Un port", "theme": "", **values}

    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(ValidationError) as error:
            services.postit_create(subgroup=alice.subgroup, author=alice, **arguments)

    assert field in error.value.message_dict
    assert not PostIt.objects.exists()
    assert callbacks == []


def test_it_checks_the_theme_against_the_workshop_own_list(owner, territories):
    workshop = services.workshop_create(
        created_by=owner, title="Eau", territories=territories, table_count=1, themes=["Eau"]
    )
    subgroup = subgroup_of(workshop, 1, "BM")

    services.postit_create(subgroup=subgroup, author=None, kind="offer", text="a", theme="Eau")
    with pytest.raises(ValidationError):
        services.postit_create(
            subgroup=subgroup, author=None, kind="offer", text="b", theme="Énergie"
        )
    assert PostIt.objects.count() == 1


# postit_update -----------------------------------------------------------------


def test_it_updates_a_postit_and_announces_it_in_place(
    alice, make_postit, django_capture_on_commit_callbacks
):
    postit = make_postit(alice, kind="offer")
    theme = alice.workshop.themes[1]

    with django_capture_on_commit_callbacks() as callbacks:
        services.postit_update(
            postit=postit, kind="offer", text=" Nouveau texte ", theme=theme, by=None
        )

    postit.refresh_from_db()
    assert (postit.kind, postit.text, postit.theme) == ("offer", "Nouveau texte", theme)
    assert announced(callbacks) == [("broadcast_postit", postit.pk, False)]


def test_it_announces_the_postit_as_added_to_its_other_cell_when_an_update_changes_the_kind(
    alice, make_postit, django_capture_on_commit_callbacks
):
    postit = make_postit(alice, kind="offer")

    with django_capture_on_commit_callbacks() as callbacks:
        services.postit_update(postit=postit, kind="need", text=postit.text, by=None)

    assert announced(callbacks) == [("broadcast_postit", postit.pk, True)]


@pytest.mark.parametrize(
    "values",
    [{"text": " "}, {"text": "x" * 281}, {"theme": "Astrologie"}, {"kind": "wish"}],
    ids=["blank", "too-long", "unknown-theme", "bad-kind"],
)
def test_it_refuses_an_invalid_update_and_keeps_the_postit_as_it_was(
    alice, make_postit, django_capture_on_commit_callbacks, values
):
    theme = alice.workshop.themes[1]
    postit = make_postit(alice, text="Avant", kind="offer", theme=theme)
    arguments = {"kind": "need", "text": "Après", "theme": "", **values}

    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(ValidationError):
            services.postit_update(postit=PostIt.objects.get(pk=postit.pk), **arguments, by=None)

    postit.refresh_from_db()
    assert (postit.kind, postit.text, postit.theme) == ("offer", "Avant", theme)
    assert callbacks == []


# postit_delete -----------------------------------------------------------------


def test_it_deletes_a_postit_and_announces_its_removal(
    alice, make_postit, django_capture_on_commit_callbacks
):
    postit = make_postit(alice, kind="need")
    pk = postit.pk

    with django_capture_on_commit_callbacks() as callbacks:
        services.postit_delete(postit=postit, by=None)

    assert not PostIt.objects.exists()
    table = alice.subgroup.table
    assert announced(callbacks) == [("broadcast_postit_deleted", pk, table.pk, table.workshop_id)]


# transactions ------------------------------------------------------------------


def test_it_announces_nothing_when_the_surrounding_transaction_rolls_back(
    alice, make_postit, django_capture_on_commit_callbacks
):
    kept = make_postit(alice, text="Gardé")

    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                make_postit(alice, text="Annulé")
                services.postit_update(postit=kept, kind="need", text="Modifié", by=None)
                raise RuntimeError("the request failed further on")

    assert callbacks == []
    assert list(PostIt.objects.values_list("text", "kind")) == [("Gardé", "offer")]


def test_it_announces_each_change_once_the_transaction_commits(
    alice, bruno, make_postit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            offer = make_postit(alice, kind="offer")
            need = make_postit(bruno, kind="need")

    assert announced(callbacks) == [
        ("broadcast_postit", offer.pk, True),
        ("broadcast_postit", need.pk, True),
    ]
