"""Join codes: short enough to print and type, too many to guess.

Six characters from an alphabet without look-alikes (no 0/O, 1/I/L, 5/S, 2/Z,
8/B) give 25**6 ≈ 244 million codes; with the join page rate-limited per
address, guessing a live workshop's code is out of reach.
"""

import re
import secrets

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 6
_NOT_IN_ALPHABET = re.compile(f"[^{ALPHABET}]")


def new_join_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(raw: str) -> str:
    """What a person typed (any case, spaces, dashes) to the stored form."""
    return re.sub(r"[\s\-_.]", "", raw.upper())[:20]


def looks_like_code(code: str) -> bool:
    return len(code) == LENGTH and not _NOT_IN_ALPHABET.search(code)
