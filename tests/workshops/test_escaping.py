"""What participants type reaches other people's screens: it must arrive as text."""

import pytest

from tests.conftest import subgroup_of
from workshops import services
from workshops.broadcast import screens_group, table_group

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
NAME = '<img src=x onerror="alert(2)">'
ESCAPED_NAME = "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;"


@pytest.fixture
def mallory(workshop):
    """A participant at Alice's table with a name that is markup."""
    return services.participant_join(subgroup=subgroup_of(workshop, 1, "COB"), first_name=NAME)


def assert_escaped(html: str) -> None:
    assert SCRIPT not in html
    assert NAME not in html
    assert ESCAPED in html
    assert ESCAPED_NAME in html


def test_it_escapes_a_postit_on_the_phones_of_the_table(
    participant_client, alice, mallory, make_postit
):
    make_postit(mallory, text=SCRIPT)
    client = participant_client(alice)

    assert_escaped(client.get(f"/j/{alice.workshop.code}/").content.decode())
    assert_escaped(client.get(f"/j/{alice.workshop.code}/board/").content.decode())


def test_it_escapes_a_postit_on_the_projector(laptop, workshop, mallory, make_postit):
    make_postit(mallory, text=SCRIPT)

    assert_escaped(laptop.get(f"/w/{workshop.pk}/projector/").content.decode())
    assert_escaped(laptop.get(f"/w/{workshop.pk}/projector/board/").content.decode())


def test_it_escapes_a_postit_in_its_broadcast(
    mallory, make_postit, listen, django_capture_on_commit_callbacks
):
    table = listen(table_group(mallory.subgroup.table_id))
    screens = listen(screens_group(mallory.workshop_id))

    with django_capture_on_commit_callbacks(execute=True):
        make_postit(mallory, text=SCRIPT)

    [cell] = table.html()
    assert screens.html() == [cell]
    assert_escaped(cell)


def test_it_escapes_a_postit_in_the_cells_returned_to_the_writer(participant_client, mallory):
    response = participant_client(mallory).post(
        f"/j/{mallory.workshop.code}/postits/",
        {"kind": "offer", "text": SCRIPT},
        HTTP_HX_REQUEST="true",
    )
    assert_escaped(response.content.decode())


def test_it_escapes_what_was_typed_when_the_form_comes_back_with_errors(participant_client, alice):
    response = participant_client(alice).post(
        f"/j/{alice.workshop.code}/postits/",
        {"kind": "offer", "text": SCRIPT + "x" * 280},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    content = response.content.decode()
    assert SCRIPT not in content
    assert ESCAPED in content


def test_it_escapes_a_participant_name_on_the_workshop_page_and_their_own_phone(
    participant_client, laptop, mallory, make_postit
):
    make_postit(mallory, text=SCRIPT)

    phone = participant_client(mallory).get(f"/j/{mallory.workshop.code}/").content.decode()
    assert_escaped(phone)
    detail = laptop.get(f"/w/{mallory.workshop_id}/").content.decode()
    assert NAME not in detail
