"""The room's tests share the fixtures of tests/conftest.py (actors, phases, the channel
layer, sockets): nothing here yet is theirs alone."""
