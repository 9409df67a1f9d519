"""What the end-to-end tests share: the browser contexts of a room and where pictures go."""

from pathlib import Path

from django.conf import settings

OWNER_PASSWORD = "owner-pass-123"  # tests/conftest.py, fixture `owner`
PUBLIC_URL = "http://192.168.1.20:8000"  # as in a real room: no loopback warning on screen
IMG_DIR = Path(settings.BASE_DIR) / "docs" / "img"  # screenshots for the docs
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "locale": "fr-FR",
}
ACTION_TIMEOUT_MS = 10_000
# htmx's ws extension retries with full-jitter back-off (at most 1, 2, 4, 8… s):
# a phone cut off for a few seconds is back well within this.
RECONNECT_TIMEOUT_MS = 30_000
# Counts the times this page's socket opened (the first time included).
COUNT_OPENS = """
window.paniersSocketOpens = 0;
document.addEventListener("htmx:wsOpen", function () { window.paniersSocketOpens += 1; });
"""
