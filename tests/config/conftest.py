from tests.workshops.conftest import channel_layer  # noqa: F401  (a fresh layer per socket test)
