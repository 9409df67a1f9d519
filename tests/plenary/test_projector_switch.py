"""The plenary as the projector's own views (plenary/panels.py registers them in
workshops/projector.py): the presenter's slides and the feedback wall, chosen from the
console or the keys (S, W), and the presenter shown by itself while the projector follows
the workshop in the plenary phase."""

import pytest
from django.core.exceptions import ValidationError

from plenary.panels import PRESENTER, WALL
from tests.conftest import goto
from workshops import projector
from workshops.models import Phase, Workshop

pytestmark = pytest.mark.django_db

# The room's own keys, the baskets' (B, P), the presenter's arrows and Space.
TAKEN = set("fabjp?") | set("123456789") | {" "}


def stored(workshop) -> tuple[str, int]:
    workshop = Workshop.objects.get(pk=workshop.pk)
    return workshop.projector_view, workshop.projector_view_version


def test_the_plenary_registers_the_presenter_and_the_wall_with_keys_of_their_own():
    kinds = {kind.name: kind for kind in projector.registered()}

    assert kinds[PRESENTER].key == "s" and kinds[WALL].key == "w"
    assert not {kinds[PRESENTER].key, kinds[WALL].key} & TAKEN
    keys = [kind.key for kind in kinds.values() if kind.key]
    assert len(keys) == len(set(keys))
    assert projector.followed(Phase.Kind.PLENARY) is kinds[PRESENTER]
    assert projector.parse("presenter") == projector.View(PRESENTER)
    assert projector.parse("wall") == projector.View(WALL)
    assert projector.parse("wall:2") is None


def test_it_stores_the_presenter_and_the_wall_like_the_room_s_views(workshop):
    projector.set_view(workshop=workshop, value="presenter")
    assert stored(workshop) == ("presenter", 1)
    projector.set_view(workshop=workshop, value="wall")
    assert stored(workshop) == ("wall", 2)


def test_a_workshop_without_a_plenary_has_neither(workshop):
    workshop.phases.filter(kind=Phase.Kind.PLENARY).delete()

    with pytest.raises(ValidationError):
        projector.set_view(workshop=workshop, value="presenter")
    content = projector_choices(workshop)
    assert "presenter" not in content and "wall" not in content


def projector_choices(workshop) -> list[str]:
    return [view.value for kind in projector.registered() for view, *_ in kind.choices(workshop)]


def test_the_console_offers_and_switches_to_the_presenter_and_the_wall(laptop, workshop):
    content = laptop.get(f"/w/{workshop.pk}/console/").content.decode()
    assert 'value="presenter" aria-pressed="false"' in content
    assert 'value="wall" aria-pressed="false"' in content

    url = f"/w/{workshop.pk}/projector/view/"
    response = laptop.post(url, {"view": "wall"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'value="wall" aria-pressed="true"' in response.content.decode()
    assert stored(workshop) == ("wall", 1)


def test_a_facilitator_of_another_workshop_cannot_switch_to_the_wall(
    workshop, other_facilitator, user_client
):
    response = user_client(other_facilitator).post(
        f"/w/{workshop.pk}/projector/view/", {"view": "wall"}
    )
    assert response.status_code == 404
    assert stored(workshop) == ("", 0)


@pytest.mark.parametrize(
    ("value", "page"), [("presenter", "/plenary/present/"), ("wall", "/plenary/wall/")]
)
def test_the_projector_shows_a_stored_plenary_view_on_its_page(laptop, workshop, value, page):
    projector.set_view(workshop=workshop, value=value)

    response = laptop.get(f"/w/{workshop.pk}/projector/")

    assert response.status_code == 302
    assert response["Location"] == f"/w/{workshop.pk}{page}"


def test_following_the_workshop_the_projector_shows_the_presenter_in_the_plenary(laptop, workshop):
    workshop = goto(workshop, Phase.Kind.PLENARY)

    for url in (f"/w/{workshop.pk}/projector/", f"/w/{workshop.pk}/projector/?view=follow"):
        response = laptop.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/w/{workshop.pk}/plenary/present/?follow=1"


def test_the_plenary_pages_carry_the_projector_s_marker_and_keys(laptop, workshop):
    workshop = goto(workshop, Phase.Kind.PLENARY)
    Workshop.objects.filter(pk=workshop.pk).update(projector_view_version=5)

    following = laptop.get(f"/w/{workshop.pk}/plenary/present/?follow=1").content.decode()
    chosen = laptop.get(f"/w/{workshop.pk}/plenary/present/").content.decode()
    wall = laptop.get(f"/w/{workshop.pk}/plenary/wall/").content.decode()

    assert 'data-follow="presenter"' in following
    assert "data-follow=" not in chosen and "data-follow=" not in wall
    assert 'data-view="presenter"' in chosen and 'data-view="wall"' in wall
    for content in (following, chosen, wall):
        # It follows a later switch as the room's projector does: the marker, its version.
        assert 'id="projector-view"' in content
        assert 'data-view-version="5"' in content
        assert "js/projector.js" in content
        assert 'data-cycle-s="presenter"' in content and 'data-cycle-w="wall"' in content
        assert "<kbd>S</kbd>" in content and "<kbd>W</kbd>" in content
    assert "plenary/presenter.js" in chosen  # the arrows still turn the slides
