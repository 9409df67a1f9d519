"""Static files: hashed, gzipped copies in STATIC_ROOT once ``collectstatic`` has run.

``make run`` and a deployment run ``collectstatic``; WhiteNoise then serves the hashed
copies with a ten-year ``Cache-Control: immutable``, and their ``.gz`` siblings to
browsers that accept gzip.
"""

import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Before any ``collectstatic`` into this STATIC_ROOT (a Daphne that bench/ starts on a
    fresh PANIERS_VAR_DIR), pages name the files unhashed and WhiteNoise serves them from
    ``static/`` (settings.WHITENOISE_USE_FINDERS): slower to load, but a page rather than
    an error 500 for want of a manifest."""

    _warned = False

    def stored_name(self, name: str) -> str:
        if self.hashed_files:
            return super().stored_name(name)
        if not StaticFilesStorage._warned:
            StaticFilesStorage._warned = True
            logger.warning(
                "No %s in %s: static files are served unhashed and uncompressed; "
                "run python manage.py collectstatic.",
                self.manifest_name,
                self.location,
            )
        return name
