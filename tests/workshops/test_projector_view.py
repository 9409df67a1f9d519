"""What the projector shows, switched from the console or its keyboard (workshops/projector.py)."""

import pytest
from django.core.exceptions import ValidationError

from territories.models import Territory
from tests.conftest import at, command, subgroup_of
from workshops import projector, services
from workshops.broadcast import console_group, screens_group, table_group, workshop_group
from workshops.gate import Action
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", projector.View("follow")),
        ("follow", projector.View("follow")),
        ("all", projector.View("all")),
        ("join", projector.View("join")),
        ("table:3", projector.View("table", 3)),
        ("sheet:12", projector.View("sheet", 12)),
        ("table:", None),
        ("table:²", None),
        ("table:-1", None),
        ("board", None),
        ("sheet:1234567890", None),
    ],
)
def test_it_reads_what_a_view_value_names(value, expected):
    assert projector.parse(value) == expected
    if expected is not None:
        assert projector.parse(expected.value) == expected


def test_it_stores_the_choice_and_bumps_its_version(workshop):
    before = workshop.projector_view_version

    projector.set_view(workshop=workshop, value="table:2")

    workshop.refresh_from_db()
    assert (workshop.projector_view, workshop.projector_view_version) == ("table:2", before + 1)
    projector.set_view(workshop=workshop, value="follow")
    workshop.refresh_from_db()
    assert (workshop.projector_view, workshop.projector_view_version) == ("", before + 2)


@pytest.mark.parametrize("value", ["table:99", "sheet:999999", "nonsense"])
def test_it_refuses_a_view_the_workshop_cannot_show(workshop, value):
    with pytest.raises(ValidationError):
        projector.set_view(workshop=workshop, value=value)
    workshop.refresh_from_db()
    assert (workshop.projector_view, workshop.projector_view_version) == ("", 0)


def test_it_refuses_the_sheet_of_a_territory_playing_elsewhere(workshop):
    elsewhere = Territory.objects.create(name="Pays de Morlaix", short_name="PdM", kind="pays")
    with pytest.raises(ValidationError):
        projector.set_view(workshop=workshop, value=f"sheet:{elsewhere.pk}")


def test_it_tells_the_projectors_and_consoles_once_committed_and_no_phone(
    workshop, alice, listen, django_capture_on_commit_callbacks
):
    screens = listen(screens_group(workshop.pk))
    consoles = listen(console_group(workshop.pk))
    phones = listen(table_group(alice.subgroup.table_id), workshop_group(workshop.pk))

    with django_capture_on_commit_callbacks(execute=True):
        projector.set_view(workshop=workshop, value="join")

    [marker] = screens.html()
    assert 'id="projector-view"' in marker and 'hx-swap-oob="true"' in marker
    assert 'data-version="1"' in marker and 'data-view="join"' in marker
    assert consoles.html() == ['<div id="console-stale" hx-swap-oob="true"></div>']
    assert phones.messages() == []


def test_it_sends_the_join_count_to_the_projectors_when_someone_joins(
    workshop, alice, listen, django_capture_on_commit_callbacks
):
    screens = listen(screens_group(workshop.pk))

    with django_capture_on_commit_callbacks(execute=True):
        services.participant_join(subgroup=subgroup_of(workshop, 1, "PdB"), first_name="Yann")

    assert screens.html() == ['<strong id="join-count" hx-swap-oob="true">2</strong>']


# The views ------------------------------------------------------------------------


def test_it_switches_from_the_console_and_answers_with_the_pressed_button(laptop, workshop):
    response = laptop.post(
        f"/w/{workshop.pk}/projector/view/", {"view": "table:2"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="table:2" aria-pressed="true"' in content
    assert 'value="follow" aria-pressed="false"' in content
    assert Workshop.objects.get(pk=workshop.pk).projector_view == "table:2"


def test_it_says_why_it_refuses_a_switch_and_changes_nothing(laptop, workshop):
    response = laptop.post(
        f"/w/{workshop.pk}/projector/view/", {"view": "table:99"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert Workshop.objects.get(pk=workshop.pk).projector_view_version == 0


def test_it_switches_without_scripts_and_goes_back_to_the_console(laptop, workshop):
    response = laptop.post(f"/w/{workshop.pk}/projector/view/", {"view": "join"})

    assert response.status_code == 302
    assert response["Location"] == f"/w/{workshop.pk}/console/"
    assert Workshop.objects.get(pk=workshop.pk).projector_view == "join"


def test_it_answers_404_to_a_facilitator_of_another_workshop(
    workshop, other_facilitator, user_client
):
    client = user_client(other_facilitator)
    assert client.post(f"/w/{workshop.pk}/projector/view/", {"view": "all"}).status_code == 404
    assert client.get(f"/w/{workshop.pk}/projector/view/").status_code == 404
    assert Workshop.objects.get(pk=workshop.pk).projector_view_version == 0


def test_the_console_shows_the_switch_with_the_choice_pressed(laptop, workshop):
    projector.set_view(workshop=workshop, value="all")

    content = laptop.get(f"/w/{workshop.pk}/console/").content.decode()

    assert 'id="console-projector"' in content
    assert 'value="all" aria-pressed="true"' in content
    for territory in workshop.territories.all():
        assert f'value="sheet:{territory.pk}"' in content


@pytest.mark.parametrize(
    ("stored", "query", "shows"),
    [
        ("", "", "view-follow"),
        ("join", "", "view-join"),
        ("all", "", "view-all"),
        ("table:2", "", "view-table"),
        ("join", "?view=all", "view-all"),
        ("all", "?view=follow", "view-follow"),
        ("all", "?table=1", "view-table"),
    ],
)
def test_the_projector_shows_the_stored_choice_unless_a_link_asks(
    laptop, workshop, stored, query, shows
):
    Workshop.objects.filter(pk=workshop.pk).update(projector_view=stored, projector_view_version=7)

    response = laptop.get(f"/w/{workshop.pk}/projector/{query}")

    content = response.content.decode()
    assert f"projector-screen {shows}" in content
    assert 'data-view-version="7"' in content
    if shows == "view-table":
        assert len(response.context["boards"]) == 1


def test_the_projector_shows_a_stored_territory_sheet(laptop, workshop):
    territory = workshop.territories.order_by("name").first()
    projector.set_view(workshop=workshop, value=f"sheet:{territory.pk}")

    response = laptop.get(f"/w/{workshop.pk}/projector/")

    assert response.templates[0].name == "workshops/projector_sheet.html"
    assert territory.name in response.content.decode()


def test_the_projector_follows_the_workshop_when_the_stored_table_has_gone(laptop, workshop):
    Workshop.objects.filter(pk=workshop.pk).update(projector_view="table:99")

    content = laptop.get(f"/w/{workshop.pk}/projector/").content.decode()

    assert "projector-screen view-follow" in content


def test_the_projector_page_counts_who_joined_where_the_live_count_lands(laptop, workshop, alice):
    content = laptop.get(f"/w/{workshop.pk}/projector/").content.decode()
    assert '<strong id="join-count">1</strong>' in content


# Views the apps add (the registry of workshops/projector.py), with a view of the test's own.


@pytest.fixture
def extra_kind():
    def check(workshop, view):
        if view.number == 13:
            raise ValidationError("Not this one.")

    kind = projector.Kind(
        name="extra",
        numbers=(0, 1),
        check=check,
        url=lambda workshop, view: f"/w/{workshop.pk}/extra/{view.number or ''}",
        choices=lambda workshop: [(projector.View("extra"), "Extra", "")],
        key="x",
        key_help="Extra view",
        follows=Action.FEEDBACK,
    )
    # It stands in for the app that follows the plenary (plenary's presenter) meanwhile.
    saved = dict(projector._kinds)
    for name in [name for name, other in saved.items() if other.follows == Action.FEEDBACK]:
        projector._kinds.pop(name)
    projector.register(kind)
    yield kind
    projector._kinds.clear()
    projector._kinds.update(saved)


def test_an_app_s_view_is_read_checked_and_stored_like_the_room_s(workshop, extra_kind):
    assert projector.parse("extra") == projector.View("extra")
    assert projector.parse("extra:4") == projector.View("extra", 4)
    assert projector.parse("extra:4-5") is None
    assert projector.parse("extra:") is None

    projector.set_view(workshop=workshop, value="extra:4")
    assert Workshop.objects.get(pk=workshop.pk).projector_view == "extra:4"
    with pytest.raises(ValidationError):
        projector.set_view(workshop=workshop, value="extra:13")


def test_an_app_cannot_take_the_name_of_a_view_of_the_room():
    with pytest.raises(ValueError):
        projector.register(
            projector.Kind(
                name="table", numbers=(1,), check=None, url=None, choices=lambda workshop: []
            )
        )


def test_the_projector_sends_a_stored_app_view_to_its_page(laptop, workshop, extra_kind):
    projector.set_view(workshop=workshop, value="extra:4")

    response = laptop.get(f"/w/{workshop.pk}/projector/")

    assert response.status_code == 302
    assert response["Location"] == f"/w/{workshop.pk}/extra/4"


def test_following_the_workshop_the_projector_shows_the_view_the_phase_calls_for(
    laptop, workshop, extra_kind
):
    plenary = workshop.phases.get(kind="plenary")
    workshop = command(workshop, "goto", at(0), phase=plenary)

    response = laptop.get(f"/w/{workshop.pk}/projector/")

    assert response.status_code == 302
    assert response["Location"] == f"/w/{workshop.pk}/extra/?follow=1"


def test_the_console_and_the_keys_offer_an_app_s_view(laptop, workshop, extra_kind):
    console = laptop.get(f"/w/{workshop.pk}/console/").content.decode()
    projector_page = laptop.get(f"/w/{workshop.pk}/projector/").content.decode()

    assert 'value="extra" aria-pressed="false"' in console
    assert 'data-cycle-x="extra"' in projector_page
    assert "<kbd>X</kbd></dt><dd>Extra view</dd>" in projector_page
    assert "plenary:extra" in projector_page
