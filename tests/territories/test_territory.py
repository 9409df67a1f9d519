import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from territories.models import Territory

pytestmark = pytest.mark.django_db


def territory(**fields) -> Territory:
    return Territory(**{"name": "Pays de Morlaix", "short_name": "PdM", **fields})


@pytest.mark.parametrize("color", ["#2f5d8a", "#FFFFFF", "#000000", "#aBc123"])
def test_it_accepts_a_hex_colour(color):
    territory(color=color).full_clean()


@pytest.mark.parametrize(
    "color", ["2f5d8a", "#2f5d8", "#2f5d8a0", "#ggg000", "red", "", "#2f5d8a\n", " #2f5d8a"]
)
def test_it_refuses_anything_but_a_six_digit_hex_colour(color):
    with pytest.raises(ValidationError) as error:
        territory(color=color).full_clean()
    assert "color" in error.value.message_dict


def test_it_has_a_valid_default_colour():
    item = territory()
    item.full_clean()
    assert item.color == "#2f5d8a"
    assert item.kind == Territory.Kind.OTHER


def test_it_refuses_an_unknown_kind():
    with pytest.raises(ValidationError) as error:
        territory(kind="galaxy").full_clean()
    assert "kind" in error.value.message_dict


def test_it_is_shown_by_its_name():
    assert str(territory(name="Brest Métropole", short_name="BM")) == "Brest Métropole"


def test_it_lists_territories_by_name():
    for name in ["Pays de Brest", "Brest Métropole", "Pays Centre Ouest Bretagne"]:
        Territory.objects.create(name=name, short_name=name[:3])
    assert list(Territory.objects.values_list("name", flat=True)) == [
        "Brest Métropole",
        "Pays Centre Ouest Bretagne",
        "Pays de Brest",
    ]


def test_it_keeps_names_unique():
    Territory.objects.create(name="Pays de Brest", short_name="PdB")
    with pytest.raises(ValidationError):
        territory(name="Pays de Brest").full_clean()
    with pytest.raises(IntegrityError):
        Territory.objects.create(name="Pays de Brest", short_name="Autre")
