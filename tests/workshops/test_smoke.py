from workshops.models import PostIt
from workshops import services


def test_it_creates_tables_and_subgroups(workshop):
    assert workshop.tables.count() == 3
    assert all(table.subgroups.count() == 3 for table in workshop.tables.all())
    assert workshop.facilitators.filter(pk=workshop.created_by_id).exists()


def test_it_lets_a_participant_post_through_the_view(
    alice, participant_client, django_capture_on_commit_callbacks
):
    client = participant_client(alice)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            f"/j/{alice.workshop.code}/postits/",
            {"kind": "offer", "text": "Port de Brest", "theme": ""},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    postit = PostIt.objects.get()
    assert postit.subgroup == alice.subgroup and postit.author == alice
    assert len(callbacks) == 1
    assert f'id="cell-{alice.subgroup_id}-offer" hx-swap-oob="true"' in response.content.decode()
