"""The board a phone fetches as its socket (re)opens is rendered once per sub-group and
board version (workshops/selectors.phone_board_html): whatever changes at the table shows
at the next fetch, and nothing of one phone is in another's."""

import pytest

from workshops import services, stats

pytestmark = pytest.mark.django_db


def board_of(phone, workshop) -> str:
    response = phone.get(f"/j/{workshop.code}/board/")
    assert response.status_code == 200
    return response.content.decode()


def renders() -> int:
    return stats.snapshot().get("phone_board_renders", 0)


def test_a_post_it_written_edited_moved_or_deleted_shows_at_the_next_fetch(
    phone, alice, workshop, make_postit
):
    assert "Un port" not in board_of(phone, workshop)

    postit = make_postit(alice, text="Un port en eau profonde")
    assert "Un port en eau profonde" in board_of(phone, workshop)

    services.postit_update(postit=postit, kind="offer", text="Une gare", by=alice)
    board = board_of(phone, workshop)
    assert "Une gare" in board and "Un port" not in board

    services.postit_update(postit=postit, kind="need", text="Une gare", by=alice)
    assert "postit postit-need" in board_of(phone, workshop)

    services.postit_delete(postit=postit, by=alice)
    assert "Une gare" not in board_of(phone, workshop)


def test_a_neighbours_post_it_shows_on_my_board_too(phone, workshop, bruno, make_postit):
    board_of(phone, workshop)
    make_postit(bruno, text="Des terres agricoles")

    assert "Des terres agricoles" in board_of(phone, workshop)


def test_each_sub_group_sees_its_own_post_its_first_and_one_render_serves_all_its_phones(
    participant_client, alice, bruno, workshop, make_postit
):
    make_postit(alice, text="Offre de BM")
    make_postit(bruno, text="Offre de PdB")
    before = renders()
    alices = [participant_client(alice) for _ in range(5)]
    boards = {board_of(client, workshop) for client in alices}
    brunos = board_of(participant_client(bruno), workshop)

    assert len(boards) == 1  # five phones of BM, one render
    (alices_board,) = boards
    assert renders() - before == 2  # BM's board, then PdB's
    ours = alices_board.split('id="other-subgroups"')[0]
    assert "Offre de BM" in ours and "Offre de PdB" not in ours
    assert "Offre de PdB" in brunos.split('id="other-subgroups"')[0]


def test_the_fetched_board_carries_no_one_s_token_and_marks_authors_for_the_page(
    phone, alice, workshop, make_postit
):
    """The same HTML serves every phone of the sub-group: paniers.js marks mine."""
    make_postit(alice, text="Un port")
    board = board_of(phone, workshop)

    assert "csrfmiddlewaretoken" not in board
    assert f'data-author="{alice.pk}"' in board
    assert " mine" not in board
