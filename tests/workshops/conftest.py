"""The room's tests share the fixtures of tests/conftest.py (actors, phases) and
tests/fixtures/ (the channel layer, sockets, the demo): nothing here yet is theirs alone."""
