import pytest
from django.conf import settings
from django.utils import translation

from workshops import selectors, services
from workshops.broadcast import (
    broadcast_postit,
    screens_group,
    table_group,
    workshop_group,
)

pytestmark = pytest.mark.django_db


def test_it_names_groups_per_table_per_workshop_screens_and_per_workshop():
    assert len({table_group(1), screens_group(1), workshop_group(1)}) == 3
    assert table_group(1) != table_group(2)
    assert screens_group(1) != screens_group(2)


def test_it_sends_a_new_postit_to_its_table_and_the_screens_only(
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

    [message] = own_table.html()
    assert screens.html() == [message]
    assert f'id="postit-{postit.pk}"' in message
    assert "Un port en eau profonde" in message
    for listener in (other_table, everyone, other_workshop_table, other_screens):
        assert listener.messages() == []


def test_it_sends_a_new_postit_alone_to_the_end_of_its_cell(
    alice, bruno, make_postit, listen, django_capture_on_commit_callbacks
):
    first = make_postit(alice, text="Premier", kind="offer")
    need = make_postit(alice, text="Un besoin", kind="need")
    elsewhere = make_postit(bruno, text="Ailleurs", kind="offer")
    screens = listen(screens_group(alice.workshop_id))

    with django_capture_on_commit_callbacks(execute=True):
        second = make_postit(alice, text="Second", kind="offer")

    [message] = screens.html()
    assert message.startswith(f'<div id="cell-{alice.subgroup_id}-offer" hx-swap-oob="beforeend">')
    assert f'id="postit-{second.pk}"' in message
    for other in (first, need, elsewhere):
        assert f'id="postit-{other.pk}"' not in message


def test_it_sends_the_postit_as_the_page_shows_it(
    alice, make_postit, listen, django_capture_on_commit_callbacks
):
    screens = listen(screens_group(alice.workshop_id))

    with django_capture_on_commit_callbacks(execute=True):
        postit = make_postit(alice, text="Le même partout", kind="need")

    [message] = screens.html()
    on_the_page = selectors.render_cell(alice.subgroup, "need")
    article = message[message.index("<article") : message.index("</article>") + len("</article>")]
    assert article in on_the_page  # the same fragment, _postit.html, live and on the page
    assert f'id="postit-{postit.pk}"' in article


def test_it_moves_a_postit_to_its_other_cell_when_an_edit_changes_the_kind(
    alice, make_postit, listen, django_capture_on_commit_callbacks
):
    postit = make_postit(alice, kind="offer")
    table = listen(table_group(alice.subgroup.table_id))

    with django_capture_on_commit_callbacks(execute=True):
        services.postit_update(postit=postit, kind="need", text=postit.text, by=None)

    [message] = table.html()
    assert message.startswith(f'<div id="cell-{alice.subgroup_id}-need" hx-swap-oob="beforeend">')
    assert f'id="postit-{postit.pk}"' in message


def test_it_replaces_a_postit_in_place_when_its_kind_stays(
    alice, make_postit, listen, django_capture_on_commit_callbacks
):
    postit = make_postit(alice, kind="offer")
    table = listen(table_group(alice.subgroup.table_id))

    with django_capture_on_commit_callbacks(execute=True):
        services.postit_update(postit=postit, kind="offer", text="Corrigé", by=None)

    [message] = table.html()
    assert message.startswith(
        f'<article class="postit postit-offer" id="postit-{postit.pk}" hx-swap-oob="true"'
    )
    assert "Corrigé" in message


def test_it_sends_the_removal_of_a_deleted_postit(
    alice, make_postit, listen, django_capture_on_commit_callbacks
):
    postit = make_postit(alice, kind="need")
    pk = postit.pk
    table = listen(table_group(alice.subgroup.table_id))
    screens = listen(screens_group(alice.workshop_id))

    with django_capture_on_commit_callbacks(execute=True):
        services.postit_delete(postit=postit, by=None)

    removal = f'<div id="postit-{pk}" hx-swap-oob="delete"></div>'
    assert table.html() == [removal]
    assert screens.html() == [removal]


def test_it_renders_the_broadcast_in_the_workshop_language_not_the_writer_s(
    alice, make_postit, listen, django_capture_on_commit_callbacks
):
    postit = make_postit(alice, kind="offer")
    screens = listen(screens_group(alice.workshop_id))
    with translation.override(settings.LANGUAGE_CODE):
        expected = selectors.render_postit(postit, live="replace")
    with translation.override("en"):
        in_english = selectors.render_postit(postit, live="replace")

    with translation.override("en"):
        broadcast_postit(postit.pk, added=False)

    assert screens.html() == [expected]
    assert expected != in_english  # its "Edit" and "Delete" are translated


def test_it_sends_nothing_for_a_postit_deleted_before_its_broadcast_ran(alice, make_postit, listen):
    postit = make_postit(alice)
    pk = postit.pk
    postit.delete()
    screens = listen(screens_group(alice.workshop_id))

    broadcast_postit(pk, added=True)

    assert screens.messages() == []


def test_it_broadcasts_nothing_for_a_write_that_is_refused(
    alice, listen, django_capture_on_commit_callbacks
):
    screens = listen(screens_group(alice.workshop_id))

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(services.ValidationError):
            services.postit_create(subgroup=alice.subgroup, author=alice, kind="offer", text=" ")

    assert screens.messages() == []
