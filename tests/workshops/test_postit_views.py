import pytest

from territories.models import KeyFact
from workshops import selectors
from workshops.models import PostIt

pytestmark = pytest.mark.django_db


def cell_id(participant, kind: str) -> str:
    return f'id="cell-{participant.subgroup_id}-{kind}" hx-swap-oob="true"'


# Writing --------------------------------------------------------------------------


def test_it_creates_a_postit_and_answers_with_a_fresh_form_and_the_changed_cell(
    phone, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = phone.post(
            f"/j/{alice.workshop.code}/postits/",
            {"kind": "need", "text": "Du foncier", "theme": alice.workshop.themes[2]},
        )

    assert response.status_code == 200
    postit = PostIt.objects.get()
    assert (postit.kind, postit.text, postit.theme) == ("need", "Du foncier", postit.theme)
    assert postit.theme == alice.workshop.themes[2]
    content = response.content.decode()
    assert content.count('id="postit-form"') == 1
    assert cell_id(alice, "need") in content
    assert f'id="postit-{postit.pk}"' in content
    assert response.context["form"].initial["kind"] == "need"  # the next one is likely a need
    assert not response.context["form"].is_bound
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "offer", "text": ""}, "text"),
        ({"kind": "offer", "text": "   "}, "text"),
        ({"kind": "offer", "text": "x" * 281}, "text"),
        ({"kind": "offer", "text": "Un port", "theme": "Astrologie"}, "theme"),
        ({"kind": "wish", "text": "Un port"}, "kind"),
        ({"text": "Un port"}, "kind"),
    ],
    ids=["empty", "whitespace", "too-long", "unknown-theme", "bad-kind", "no-kind"],
)
def test_it_answers_422_with_the_errors_and_keeps_what_was_typed(
    phone, alice, django_capture_on_commit_callbacks, data, field
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = phone.post(f"/j/{alice.workshop.code}/postits/", data)

    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert response.context["form"].data["text"] == data["text"]
    assert not PostIt.objects.exists()
    assert callbacks == []
    assert "hx-swap-oob" not in response.content.decode()


def test_it_accepts_a_postit_of_exactly_280_characters(phone, alice):
    response = phone.post(
        f"/j/{alice.workshop.code}/postits/", {"kind": "offer", "text": "é" * 280}
    )
    assert response.status_code == 200
    assert PostIt.objects.get().text == "é" * 280


def test_it_refuses_a_long_paste_whole_and_gives_it_back_whole(phone, alice):
    """No maxlength on the field: a paste is not cut, the server says it is too long."""
    pasted = "Bois-énergie, " * 22 + "fin"  # 311 characters

    response = phone.post(f"/j/{alice.workshop.code}/postits/", {"kind": "offer", "text": pasted})

    assert response.status_code == 422
    content = response.content.decode()
    assert f">\n{pasted}</textarea>" in content
    assert "maxlength" not in content
    assert 'aria-invalid="true"' in content
    assert response.context["form"].errors["text"] == [
        "280 caractères au plus (vous en avez écrit 311)."
    ]
    assert not PostIt.objects.exists()


def test_it_gives_the_counter_its_words_in_the_reader_s_language(phone, alice):
    french = phone.get(f"/j/{alice.workshop.code}/postits/new/").content.decode()
    english = phone.get(
        f"/j/{alice.workshop.code}/postits/new/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert 'data-counter="280"' in french and "maxlength" not in french
    assert 'id="id_text_counter"' in french
    assert 'data-over="{used} / {limit} — {over} de trop"' in french
    assert 'data-over="{used} / {limit} — {over} too many"' in english


def test_it_counts_a_line_break_once_as_the_counter_does(phone, alice):
    """Browsers send line breaks as CRLF: counted twice, 280 shown would be refused."""
    text = "\r\n".join(["x" * 92, "y" * 93, "z" * 93])  # 280 with one character per break

    response = phone.post(f"/j/{alice.workshop.code}/postits/", {"kind": "offer", "text": text})

    assert response.status_code == 200
    assert PostIt.objects.get().text == text.replace("\r\n", "\n")


def test_it_slows_down_a_phone_that_writes_too_many_postits(phone, alice, bruno, settings):
    settings.WRITES_PER_MINUTE = 2
    url = f"/j/{alice.workshop.code}/postits/"
    for n in range(2):
        assert phone.post(url, {"kind": "offer", "text": f"Post-it {n}"}).status_code == 200

    response = phone.post(url, {"kind": "offer", "text": "Un de trop"})

    assert response.status_code == 429
    assert response.context["form"].data["text"] == "Un de trop"
    assert response.context["form"].non_field_errors()
    assert PostIt.objects.count() == 2


def test_it_counts_the_postit_rate_per_participant(participant_client, alice, bruno, settings):
    settings.WRITES_PER_MINUTE = 1
    url = f"/j/{alice.workshop.code}/postits/"
    for participant in (alice, bruno):
        response = participant_client(participant).post(
            url, {"kind": "offer", "text": "A"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
    assert PostIt.objects.count() == 2


def test_it_creates_a_postit_without_javascript_and_goes_back_to_the_phone_page(
    participant_client, alice
):
    response = participant_client(alice).post(
        f"/j/{alice.workshop.code}/postits/", {"kind": "offer", "text": "Sans script"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/j/{alice.workshop.code}/"
    assert PostIt.objects.get().text == "Sans script"


def test_it_edits_a_postit_without_javascript_and_goes_back_to_the_phone_page(
    participant_client, alice, alices_postit
):
    response = participant_client(alice).post(
        f"/p/{alices_postit.pk}/edit/", {"kind": "offer", "text": "Après"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/j/{alice.workshop.code}/"
    alices_postit.refresh_from_db()
    assert alices_postit.text == "Après"


def test_it_opens_the_edit_link_without_javascript_as_a_page_with_the_form_filled(
    participant_client, alice, make_postit
):
    postit = make_postit(alice, text="À relire", kind="need")

    response = participant_client(alice).get(f"/p/{postit.pk}/edit/")

    assert response.status_code == 200
    assert "workshops/postit_edit_page.html" in [t.name for t in response.templates]
    assert response.context["form"].initial == {"kind": "need", "text": "À relire", "theme": ""}
    content = response.content.decode()
    assert content.lstrip().startswith("<!doctype html>")
    assert f'action="/p/{postit.pk}/edit/"' in content
    assert "csrfmiddlewaretoken" in content
    assert "\nÀ relire</textarea>" in content
    assert f'href="/j/{alice.workshop.code}/"' in content  # cancel: back to the phone page


def test_it_tells_the_edit_saved_without_javascript(participant_client, alice, alices_postit):
    response = participant_client(alice).post(
        f"/p/{alices_postit.pk}/edit/", {"kind": "need", "text": "Après"}, follow=True
    )

    assert response.redirect_chain == [(f"/j/{alice.workshop.code}/", 302)]
    assert len(list(response.context["messages"])) == 1
    alices_postit.refresh_from_db()
    assert (alices_postit.kind, alices_postit.text) == ("need", "Après")


def test_it_shows_an_invalid_edit_without_javascript_on_the_edit_page(
    participant_client, alice, alices_postit
):
    response = participant_client(alice).post(
        f"/p/{alices_postit.pk}/edit/", {"kind": "need", "text": "  "}
    )

    assert response.status_code == 422
    assert "workshops/postit_edit_page.html" in [t.name for t in response.templates]
    assert "text" in response.context["form"].errors
    alices_postit.refresh_from_db()
    assert alices_postit.text == "Avant"


@pytest.mark.parametrize(
    ("method", "action"), [("get", "edit"), ("post", "edit"), ("post", "delete")]
)
def test_it_refuses_someone_else_s_postit_without_javascript_too(
    participant_client, bruno, alices_postit, method, action
):
    client = participant_client(bruno)
    data = {"kind": "need", "text": "Pris"} if method == "post" else {}

    response = getattr(client, method)(f"/p/{alices_postit.pk}/{action}/", data)

    assert response.status_code == 403
    alices_postit.refresh_from_db()
    assert (alices_postit.kind, alices_postit.text) == ("offer", "Avant")


def test_it_shows_errors_without_javascript_too(participant_client, alice):
    response = participant_client(alice).post(
        f"/j/{alice.workshop.code}/postits/", {"kind": "offer", "text": " "}
    )
    assert response.status_code == 422
    assert "text" in response.context["form"].errors


# Editing ----------------------------------------------------------------------------


def test_it_opens_the_edit_form_filled_with_the_postit(phone, alice, make_postit):
    postit = make_postit(alice, text="À relire", kind="need")

    response = phone.get(f"/p/{postit.pk}/edit/")

    assert response.status_code == 200
    assert response.context["form"].initial == {"kind": "need", "text": "À relire", "theme": ""}
    assert f'hx-post="/p/{postit.pk}/edit/"' in response.content.decode()


def test_it_saves_an_edit_and_answers_with_both_cells_when_the_kind_changes(
    phone, alice, alices_postit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = phone.post(f"/p/{alices_postit.pk}/edit/", {"kind": "need", "text": "Après"})

    assert response.status_code == 200
    alices_postit.refresh_from_db()
    assert (alices_postit.kind, alices_postit.text) == ("need", "Après")
    content = response.content.decode()
    assert cell_id(alice, "offer") in content and cell_id(alice, "need") in content
    assert f'hx-post="/j/{alice.workshop.code}/postits/"' in content  # back to a new post-it
    assert len(callbacks) == 1  # one live message moves the post-it to its other cell


def test_it_answers_with_one_cell_when_an_edit_keeps_the_kind(phone, alices_postit):
    response = phone.post(f"/p/{alices_postit.pk}/edit/", {"kind": "offer", "text": "Après"})

    assert response.content.decode().count("hx-swap-oob") == 1


def test_it_refuses_an_invalid_edit_and_keeps_the_postit(phone, alices_postit):
    response = phone.post(f"/p/{alices_postit.pk}/edit/", {"kind": "need", "text": "  "})

    assert response.status_code == 422
    assert "text" in response.context["form"].errors
    assert response.context["postit"] == alices_postit  # still editing this one
    alices_postit.refresh_from_db()
    assert (alices_postit.kind, alices_postit.text) == ("offer", "Avant")


def test_it_gives_back_an_empty_form_on_cancel(phone, alice):
    response = phone.get(f"/j/{alice.workshop.code}/postits/new/")
    assert response.status_code == 200
    assert not response.context["form"].is_bound
    assert response.context["postit"] is None


# Deleting ---------------------------------------------------------------------------


def test_it_deletes_a_postit_and_answers_htmx_with_the_cell_only(
    phone, alice, make_postit, django_capture_on_commit_callbacks
):
    postit = make_postit(alice, kind="need")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = phone.post(f"/p/{postit.pk}/delete/")

    assert response.status_code == 200
    content = response.content.decode()
    assert content.startswith(f'<div class="cell cell-need" {cell_id(alice, "need")}')
    assert "postit-form" not in content
    assert not PostIt.objects.exists()
    assert len(callbacks) == 1


def test_it_deletes_a_postit_without_javascript_and_goes_back_to_the_phone_page(
    participant_client, alice, make_postit
):
    postit = make_postit(alice)

    response = participant_client(alice).post(f"/p/{postit.pk}/delete/", follow=True)

    assert response.redirect_chain == [(f"/j/{alice.workshop.code}/", 302)]
    assert len(list(response.context["messages"])) == 1
    assert not PostIt.objects.exists()


# Reading ----------------------------------------------------------------------------


def test_it_gives_own_postits_a_real_edit_link_and_delete_form_shown_without_scripts(
    participant_client, alice, bruno, make_postit
):
    mine = make_postit(alice, text="Le mien")
    neighbour = make_postit(bruno, text="Du voisin")

    # The page only: /board/ is fetched by htmx, whose page marks "mine" and sends the
    # token as a header (tests/workshops/test_phone_board.py).
    for url in (f"/j/{alice.workshop.code}/",):
        content = participant_client(alice).get(url).content.decode()
        assert f'class="postit postit-offer mine" id="postit-{mine.pk}"' in content
        assert f'class="postit postit-offer" id="postit-{neighbour.pk}"' in content
        for postit in (mine, neighbour):  # the same controls, hidden by CSS unless "mine"
            assert f'<a class="link" href="/p/{postit.pk}/edit/"' in content
            delete = content.index(f'<form method="post" action="/p/{postit.pk}/delete/"')
            assert "csrfmiddlewaretoken" in content[delete : content.index("</form>", delete)]


def test_it_broadcasts_postits_without_a_csrf_token_or_anyone_s_mark(alice, make_postit):
    make_postit(alice, text="Le mien")

    cell = selectors.render_cell(alice.subgroup, "offer")

    assert "csrfmiddlewaretoken" not in cell
    assert " mine" not in cell


def test_it_shows_a_phone_its_table_grid_and_nothing_of_other_tables(
    participant_client, alice, bruno, chloe, make_postit
):
    mine = make_postit(alice, text="Le mien")
    neighbour = make_postit(bruno, text="Du voisin", kind="need")
    elsewhere = make_postit(chloe, text="Autre table")

    # The page only: /board/ is fetched by htmx, whose page marks "mine" and sends the
    # token as a header (tests/workshops/test_phone_board.py).
    for url in (f"/j/{alice.workshop.code}/",):
        content = participant_client(alice).get(url).content.decode()
        assert f'id="postit-{mine.pk}"' in content
        assert f'id="postit-{neighbour.pk}"' in content
        assert f'id="postit-{elsewhere.pk}"' not in content
        for subgroup in alice.subgroup.table.subgroups.all():
            assert f'id="cell-{subgroup.pk}-offer"' in content
            assert f'id="cell-{subgroup.pk}-need"' in content


def test_it_puts_the_phone_s_own_subgroup_first(participant_client, bruno):
    response = participant_client(bruno).get(f"/j/{bruno.workshop.code}/board/")
    content = response.content.decode()
    own = content.index(f'id="cell-{bruno.subgroup_id}-offer"')
    others = [
        content.index(f'id="cell-{subgroup.pk}-offer"')
        for subgroup in bruno.subgroup.table.subgroups.exclude(pk=bruno.subgroup_id)
    ]
    assert own < min(others)


def test_it_shows_the_phase_and_the_phone_s_own_territory_sheet(participant_client, alice, bruno):
    KeyFact.objects.create(territory=alice.subgroup.territory, label="Habitants", value="210 000")
    KeyFact.objects.create(territory=bruno.subgroup.territory, label="Communes", value="103")

    content = participant_client(alice).get(f"/j/{alice.workshop.code}/").content.decode()

    assert f'data-phase="{alice.workshop.current_phase_id}"' in content
    assert alice.workshop.current_phase.name in content
    assert f'hx-get="/j/{alice.workshop.code}/state/"' in content
    assert 'id="my-sheet"' in content
    assert "<dt>Habitants</dt>" in content
    assert "<dt>Communes</dt>" not in content


def test_it_gives_a_phone_the_phase_state_as_a_fragment(participant_client, alice):
    response = participant_client(alice).get(f"/j/{alice.workshop.code}/state/")

    content = response.content.decode()
    assert content.strip().startswith('<div id="phase-state"')
    assert "hx-swap-oob" not in content
    assert 'data-actions="postits"' in content
