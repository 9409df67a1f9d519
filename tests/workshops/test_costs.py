"""Costs counted, not timed: SQL queries per page and renders per change."""

from contextlib import contextmanager

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from territories.models import KeyFact
from workshops import presence, selectors, services, stats
from workshops.broadcast import table_group, workshop_group
from workshops.consumers import PhoneConsumer
from workshops.models import Connection, Participant, PostIt, SubGroup
from workshops.selectors import CELL_TEMPLATE, POSTIT_TEMPLATE

pytestmark = pytest.mark.django_db


def add_postits(workshop, count: int, table_number: int | None = None) -> None:
    """``count`` post-its over every sub-group (of one table) and kind, by new participants."""
    subgroups = SubGroup.objects.filter(table__workshop=workshop).order_by("pk")
    if table_number is not None:
        subgroups = subgroups.filter(table__number=table_number)
    subgroups = list(subgroups)
    postits = []
    for n in range(count):
        subgroup = subgroups[n % len(subgroups)]
        author = services.participant_join(subgroup=subgroup, first_name=f"Auteur {n}")
        kind = PostIt.Kind.OFFER if n % 2 else PostIt.Kind.NEED
        postits.append(PostIt(subgroup=subgroup, author=author, kind=kind, text=f"Post-it {n}"))
    PostIt.objects.bulk_create(postits)


def count_queries(client, url: str, shown: int) -> int:
    """Queries to answer ``url``, checking that the page shows ``shown`` post-its."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="postit ') == shown
    return len(queries)


def queries_for_table_1_at_3_then_60_postits(client, url, workshop) -> tuple[int, int]:
    """Queries of a page showing table 1 only, while another table has post-its too."""
    add_postits(workshop, 3, table_number=1)
    add_postits(workshop, 6, table_number=2)
    few = count_queries(client, url, shown=3)
    add_postits(workshop, 57, table_number=1)
    return few, count_queries(client, url, shown=60)


@pytest.mark.parametrize("table_number", [None, 1], ids=["every-table", "one-table"])
def test_it_reads_the_board_in_three_queries_whatever_the_room(
    workshop, table_number, django_assert_num_queries
):
    add_postits(workshop, 60)
    table = workshop.tables.get(number=table_number) if table_number else None
    shown = PostIt.objects.filter(subgroup__table__workshop=workshop)
    if table is not None:
        shown = shown.filter(subgroup__table=table)

    with django_assert_num_queries(3):  # tables, sub-groups with territories, post-its
        boards = selectors.workshop_board(workshop, table=table)
        columns = [column for board in boards for column in board.columns]
        postits = [postit for column in columns for postit in (*column.offers, *column.needs)]
        territories = [column.subgroup.territory.short_name for column in columns]
        authors = [postit.author.first_name for postit in postits]

    assert len(postits) == len(authors) == shown.count()
    assert len(territories) == 3 * len(boards)


@pytest.mark.parametrize("path", ["projector/", "projector/board/"])
def test_it_answers_the_projector_in_as_many_queries_for_60_postits_as_for_3(
    laptop, workshop, path
):
    url = f"/w/{workshop.pk}/{path}"

    add_postits(workshop, 3)
    few = count_queries(laptop, url, shown=3)
    add_postits(workshop, 57)
    many = count_queries(laptop, url, shown=60)

    assert many == few


@pytest.mark.parametrize("path", ["projector/?table=1", "projector/board/?table=1"])
def test_it_answers_the_projector_focused_on_a_table_in_as_many_queries_for_60_postits_as_for_3(
    laptop, workshop, path
):
    few, many = queries_for_table_1_at_3_then_60_postits(
        laptop, f"/w/{workshop.pk}/{path}", workshop
    )
    assert many == few


@pytest.mark.parametrize("path", ["", "board/"])
def test_it_answers_a_phone_in_as_many_queries_for_60_postits_at_the_table_as_for_3(
    participant_client, alice, workshop, path
):
    few, many = queries_for_table_1_at_3_then_60_postits(
        participant_client(alice), f"/j/{workshop.code}/{path}", workshop
    )
    assert many == few


def add_key_facts(territory, count: int) -> None:
    start = territory.key_facts.count()
    KeyFact.objects.bulk_create(
        KeyFact(territory=territory, label=f"Chiffre {n}", value=str(n), position=n)
        for n in range(start, start + count)
    )


def test_it_answers_a_phone_with_its_territory_sheet_in_as_many_queries_for_12_key_facts_as_for_1(
    participant_client, alice, workshop
):
    client = participant_client(alice)
    url = f"/j/{workshop.code}/"
    add_key_facts(alice.subgroup.territory, 1)
    add_postits(workshop, 3, table_number=1)
    few = count_queries(client, url, shown=3)
    add_key_facts(alice.subgroup.territory, 11)
    add_postits(workshop, 57, table_number=1)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.content.decode().count('class="key-fact"') == 12
    assert len(queries) == few


def connect_everyone(workshop) -> None:
    """A live socket for every participant, as the console counts them."""
    now = timezone.now()
    Connection.objects.bulk_create(
        Connection(channel_name=f"test!{participant.pk}", participant=participant, last_seen=now)
        for participant in Participant.objects.filter(workshop=workshop, connections=None)
    )


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["console/", "console/tables/", "state/"])
def test_it_answers_the_console_and_the_screens_state_in_as_many_queries_for_a_full_room(
    laptop, workshop, path
):
    url = f"/w/{workshop.pk}/{path}"
    add_postits(workshop, 9)
    connect_everyone(workshop)
    few = queries_for(laptop, url)
    add_postits(workshop, 90)
    connect_everyone(workshop)

    assert queries_for(laptop, url) == few
    assert Connection.objects.count() == 99


def test_it_answers_a_phone_s_phase_state_in_as_many_queries_for_a_full_room_as_for_a_few(
    participant_client, alice, workshop
):
    client = participant_client(alice)
    url = f"/j/{workshop.code}/state/"
    add_postits(workshop, 3)
    few = queries_for(client, url)
    add_postits(workshop, 60)

    assert queries_for(client, url) == few


def test_it_shows_the_workshop_page_in_as_many_queries_for_many_participants(laptop, workshop):
    add_postits(workshop, 9)
    with CaptureQueriesContext(connection) as few:
        laptop.get(f"/w/{workshop.pk}/")
    add_postits(workshop, 90)
    with CaptureQueriesContext(connection) as many:
        laptop.get(f"/w/{workshop.pk}/")
    assert len(many) == len(few)


def test_it_broadcasts_a_postit_in_as_many_queries_for_20_postits_as_for_1(
    alice, make_postit, channel_layer, django_capture_on_commit_callbacks
):
    def broadcast_queries() -> int:
        with django_capture_on_commit_callbacks() as callbacks:
            make_postit(alice)
        with CaptureQueriesContext(connection) as queries:
            for callback in callbacks:
                callback()
        return len(queries)

    few = broadcast_queries()
    for _n in range(18):
        make_postit(alice)
    many = broadcast_queries()

    assert many == few


# Renders -----------------------------------------------------------------------------


@contextmanager
def counting_renders():
    """Counts the renders of the cell and of the post-it templates (Django's signal), and
    workshops.stats' counts of both."""
    counts = {CELL_TEMPLATE: 0, POSTIT_TEMPLATE: 0}

    def on_render(sender, template, **kwargs):
        if template.name in counts:
            counts[template.name] += 1

    before = stats.snapshot()
    template_rendered.connect(on_render)
    try:
        yield counts
    finally:
        template_rendered.disconnect(on_render)
        after = stats.snapshot()
        for name in ("cell_renders", "postit_renders"):
            counts[name] = after.get(name, 0) - before.get(name, 0)


def post_as_htmx(client, url, data):
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response


ONE_POSTIT = {CELL_TEMPLATE: 0, POSTIT_TEMPLATE: 1, "cell_renders": 0, "postit_renders": 1}


def test_it_renders_the_postit_once_and_no_cell_for_the_broadcast_of_a_new_postit(
    participant_client, alice, channel_layer, django_capture_on_commit_callbacks
):
    client = participant_client(alice)
    with django_capture_on_commit_callbacks() as callbacks:
        with counting_renders() as for_the_writer:
            post_as_htmx(
                client, f"/j/{alice.workshop.code}/postits/", {"kind": "offer", "text": "Un"}
            )

    with counting_renders() as for_everyone:
        for callback in callbacks:
            callback()

    assert for_the_writer["cell_renders"] == 1  # the writer's own phone, in the response
    assert for_everyone == ONE_POSTIT  # one render, sent to the table and screens


def test_it_renders_the_postit_once_when_an_edit_changes_the_kind(
    participant_client, alice, make_postit, channel_layer, django_capture_on_commit_callbacks
):
    postit = make_postit(alice, kind="offer")
    client = participant_client(alice)
    with django_capture_on_commit_callbacks() as callbacks:
        post_as_htmx(client, f"/p/{postit.pk}/edit/", {"kind": "need", "text": "Deux"})

    with counting_renders() as for_everyone:
        for callback in callbacks:
            callback()

    assert for_everyone == ONE_POSTIT


def test_it_renders_nothing_for_the_broadcast_of_a_deletion(
    participant_client, alice, make_postit, channel_layer, django_capture_on_commit_callbacks
):
    postit = make_postit(alice)
    client = participant_client(alice)
    with django_capture_on_commit_callbacks() as callbacks:
        post_as_htmx(client, f"/p/{postit.pk}/delete/", {})

    with counting_renders() as for_everyone:
        for callback in callbacks:
            callback()

    assert for_everyone == {
        CELL_TEMPLATE: 0,
        POSTIT_TEMPLATE: 0,
        "cell_renders": 0,
        "postit_renders": 0,
    }


def test_it_counts_one_broadcast_per_changed_postit(
    alice, make_postit, channel_layer, django_capture_on_commit_callbacks
):
    before = stats.snapshot().get("broadcasts", 0)
    with django_capture_on_commit_callbacks(execute=True):
        postit = make_postit(alice, kind="offer")
        services.postit_update(postit=postit, kind="need", text="Changé", by=None)
    assert stats.snapshot()["broadcasts"] - before == 2  # one per write, whatever it moves


# A room that reconnects at once: what each phone costs ------------------------------------


def handshake_queries(client, code: str) -> tuple[list[str] | None, list[str]]:
    """What a phone's socket does in the database thread when it connects: its access."""
    consumer = PhoneConsumer()
    session = SessionStore(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)
    consumer.scope = {"session": session, "url_route": {"kwargs": {"code": code}}}
    with CaptureQueriesContext(connection) as queries:
        groups = consumer.admit()
    return groups, [query["sql"] for query in queries]


def test_a_phone_handshake_reads_three_rows_in_one_trip_and_writes_nothing(
    participant_client, alice, workshop
):
    groups, queries = handshake_queries(participant_client(alice), workshop.code)

    assert groups == [table_group(alice.subgroup.table_id), workshop_group(workshop.pk)]
    assert len(queries) == 3  # the session, the workshop, the participant
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in queries)


# The session, the workshop, the participant, then what the fragment shows: for the
# board, its version, and the board itself when no phone of the sub-group fetched it yet.
RESYNC_QUERIES = {"board/": 7, "state/": 4}


@pytest.mark.parametrize("path", ["board/", "state/"])
def test_a_phone_re_sync_costs_as_many_queries_whatever_the_table(
    participant_client, alice, workshop, path
):
    """A reopened socket re-fetches its board and its state: the burst's real load."""
    client = participant_client(alice)
    url = f"/j/{workshop.code}/{path}"
    add_postits(workshop, 60, table_number=1)

    assert queries_for(client, url) == RESYNC_QUERIES[path]


def test_the_next_phones_of_a_sub_group_re_sync_their_board_without_reading_it_again(
    participant_client, alice, workshop
):
    """When the Wi-Fi comes back, a table's phones all fetch the same board at once."""
    add_postits(workshop, 60, table_number=1)
    neighbour = services.participant_join(subgroup=alice.subgroup, first_name="Voisine")
    url = f"/j/{workshop.code}/board/"
    queries_for(participant_client(alice), url)
    before = stats.snapshot().get("phone_board_renders", 0)

    assert queries_for(participant_client(neighbour), url) == 4  # + the board's version
    assert stats.snapshot().get("phone_board_renders", 0) == before


def presence_batch_queries(workshop, arrivals: int) -> int:
    add_postits(workshop, arrivals)
    people = Participant.objects.filter(workshop=workshop)[:arrivals]
    batch = {f"phone!{person.pk}": (person.pk, workshop.pk) for person in people}
    with CaptureQueriesContext(connection) as queries:
        presence._write(batch, {}, {}, None)
    assert Connection.objects.count() == arrivals
    Connection.objects.all().delete()
    return len(queries)


def test_a_batch_of_300_arrivals_is_written_in_as_many_queries_as_a_batch_of_3(workshop):
    few = presence_batch_queries(workshop, 3)
    many = presence_batch_queries(workshop, 300)

    assert many == few
