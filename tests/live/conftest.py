"""Tests of the scale-out path: the Redis channel layer, several Daphne processes."""

from tests.e2e.conftest import daphne_factory  # noqa: F401  (shared fixture)
