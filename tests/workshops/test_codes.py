import pytest

from workshops.codes import ALPHABET, LENGTH, looks_like_code, new_join_code, normalise_code


def test_it_leaves_look_alike_characters_out_of_the_alphabet():
    assert not set("0O1IL5S2Z8B") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 25


def test_it_draws_codes_of_six_characters_from_the_alphabet():
    codes = {new_join_code() for _ in range(200)}
    assert all(len(code) == LENGTH and set(code) <= set(ALPHABET) for code in codes)
    assert all(looks_like_code(code) for code in codes)
    assert len(codes) > 190  # random, not a sequence


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ef4aqq", "EF4AQQ"),
        (" EF4-AQQ ", "EF4AQQ"),
        ("ef4 aqq", "EF4AQQ"),
        ("ef4.aq_q", "EF4AQQ"),
        ("ef4\taqq\n", "EF4AQQ"),
    ],
)
def test_it_normalises_what_a_person_typed(typed, stored):
    assert normalise_code(typed) == stored


def test_it_cuts_absurdly_long_input():
    assert len(normalise_code("A" * 10_000)) == 20


@pytest.mark.parametrize("code", ["EF4AQ", "EF4AQQQ", "EF4AQO", "EF4AQ0", "ef4aqq", "", "EF4AQ!"])
def test_it_tells_a_code_from_something_that_cannot_be_one(code):
    assert not looks_like_code(code)
