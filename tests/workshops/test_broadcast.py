import pytest
from django.conf import settings
from django.utils import translation

from workshops import selectors, services
from workshops.broadcast import (
    broadcast_cell,
    screens_group,
    table_group,
    workshop_group,
)

pytestmark = pytest.mark.django_db


def test_it_names_groups_per_table_per_workshop_screens_and_per_workshop():
    assert len({table_group(1), screens_group(1), workshop_group(1)}) == 3
    assert table_group(1) != table_group(2)
    assert screens_group(1) != screens_group(2)


def test_it_sends_a_new_postit_cell_to_its_table_and_the_screens_only(
    alice, chloe, dora, other_workshop, make_postit, listen, django_capture_on_commit_callbacks
):
    workshop = alice.workshop
    own_table = listen(table_group(alice.subgroup.table_id))
    screens = listen(screens_group(workshop.pk))
    other_table = listen(table_group(chloe.subgroup.table_id))
    everyone = listen(workshop_group(workshop.pk))
    other_workshop_table = listen(table_group(dora.subgroup.table_id))
    other_screens = listen(screens_group(other_workshop.pk))

    with django_capture_on_commit_callbacks(execute=True):
        postit = make_postit(alice, text="Un port en eau profonde")

    [cell] = own_table.html()
    assert screens.html() == [cell]
    assert f'id="cell-{alice.subgroup_id}-offer"' in cell
    assert 'hx-swap-oob="true"' in cell
    assert f'id="postit-{postit.pk}"' in cell
    assert "Un port en eau profonde" in cell
    for listener in (other_table, everyone, other_workshop_table, other_screens):
        assert listener.messages() == []


def test_it_sends_the_whole_cell_with_every_postit_of_that_sub_group_and_kind(
    alice, bruno, make_postit, listen, django_capture_on_commit_callbacks
):
    first = make_postit(alice, text="Premier", kind="offer")
    need = make_postit(alice, text="Un besoin", kind="need")
    elsewhere = make_postit(bruno, text="Ailleurs", kind="offer")
    screens = listen(screens_group(alice.workshop_id))

    with django_capture_on_commit_callbacks(execute=True):
        second = make_postit(alice, text="Second", kind="offer")

    [cell] = screens.html()
    assert cell.index(f'id="postit-{first.pk}"') < cell.index(f'id="postit-{second.pk}"')
    assert f'id="postit-{need.pk}"' not in cell
    assert f'id="postit-{elsewhere.pk}"' not in cell


def test_it_sends_both_cells_when_an_edit_moves_a_postit_to_the_other_kind(
    alice, make_postit, listen, django_capture_on_commit_callbacks
):
    postit = make_postit(alice, kind="offer")
    table = listen(table_group(alice.subgroup.table_id))

    with django_capture_on_commit_callbacks(execute=True):
        services.postit_update(postit=postit, kind="need", text=postit.text, by=None)

    offers, needs = table.html()
    assert f'id="cell-{alice.subgroup_id}-offer"' in offers
    assert f'id="postit-{postit.pk}"' not in offers
    assert f'id="cell-{alice.subgroup_id}-need"' in needs
    assert f'id="postit-{postit.pk}"' in needs


def test_it_sends_the_emptied_cell_when_a_postit_is_deleted(
    alice, make_postit, listen, django_capture_on_commit_callbacks
):
    postit = make_postit(alice, kind="need")
    table = listen(table_group(alice.subgroup.table_id))

    with django_capture_on_commit_callbacks(execute=True):
        services.postit_delete(postit=postit, by=None)

    [cell] = table.html()
    assert f'id="cell-{alice.subgroup_id}-need"' in cell
    assert "<article" not in cell


def test_it_renders_the_broadcast_in_the_workshop_language_not_the_writer_s(
    alice, listen, django_capture_on_commit_callbacks
):
    screens = listen(screens_group(alice.workshop_id))
    with translation.override(settings.LANGUAGE_CODE):
        expected = selectors.render_cell(alice.subgroup, "offer", oob=True)
    with translation.override("en"):
        in_english = selectors.render_cell(alice.subgroup, "offer", oob=True)

    with translation.override("en"):
        broadcast_cell(alice.subgroup_id, "offer")

    assert screens.html() == [expected]
    assert expected != in_english  # the empty cell's wording is translated


def test_it_broadcasts_nothing_for_a_write_that_is_refused(
    alice, listen, django_capture_on_commit_callbacks
):
    screens = listen(screens_group(alice.workshop_id))

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(services.ValidationError):
            services.postit_create(subgroup=alice.subgroup, author=alice, kind="offer", text=" ")

    assert screens.messages() == []
