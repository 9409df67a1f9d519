import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import translation


@pytest.fixture
def editor(db):
    """A facilitator who may add and change territories, without being a superuser."""
    user = get_user_model().objects.create_user("editor", password="editor-pass-123")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="territories",
            codename__in=["add_territory", "change_territory"],
        )
    )
    return user


def territory_post(territory=None, facts=(), extra=3, **fields) -> dict:
    """What the territory form posts: the territory's fields, then the key-fact rows.

    `facts` are dicts of label/value/source, with "id" for an existing fact and
    "DELETE" to delete it; `extra` empty rows follow, as the page shows them.
    """
    data = {
        "name": territory.name if territory else "Pays de Morlaix",
        "short_name": territory.short_name if territory else "PdM",
        "kind": territory.kind if territory else "pays",
        "color": territory.color if territory else "#123abc",
        "sheet": territory.sheet if territory else "",
        **fields,
    }
    rows = [*facts, *({} for _ in range(extra))]
    data["facts-TOTAL_FORMS"] = str(len(rows))
    data["facts-INITIAL_FORMS"] = str(sum(1 for fact in facts if "id" in fact))
    data["facts-MIN_NUM_FORMS"] = "0"
    data["facts-MAX_NUM_FORMS"] = "20"
    for index, row in enumerate(rows):
        for key in ("id", "label", "value", "source"):
            data[f"facts-{index}-{key}"] = str(row.get(key, ""))
        if row.get("DELETE"):
            data[f"facts-{index}-DELETE"] = "on"
    return data


@pytest.fixture(autouse=True)
def _in_english(settings):
    """These tests read the interface's messages in English, its source language."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
