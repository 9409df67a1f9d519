"""The report's PDF, built off the request path by `manage.py db_worker` (django-tasks
with its database backend; why: docs/restitution.md)."""

import logging

from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from restitution import builds, pdf
from restitution.models import ReportBuild
from restitution.worker import heartbeat

logger = logging.getLogger(__name__)


@task()
def build_report(build_id: int) -> int:
    """Builds the PDF of one ReportBuild; returns its size in bytes (0: nothing to do,
    the build was deleted or taken over before this worker reached it)."""
    if not builds.claim(build_id=build_id):
        return 0
    build = ReportBuild.objects.without_pdf().select_related("workshop").get(pk=build_id)
    # The messages are kept in the language the report was asked in.
    with translation.override(build.language):
        try:
            with heartbeat(build_id):
                raw = pdf.render_pdf(
                    build.workshop,
                    build.language,
                    progress=lambda step: builds.record_step(build_id=build_id, step=step),
                )
            builds.finish(build_id=build_id, pdf=raw)
        except builds.BuildFailed as refused:
            builds.fail(build_id=build_id, message=str(refused))
            raise
        except (KeyboardInterrupt, SystemExit):
            # The worker was stopped mid-build (Ctrl+C on `make run`, a service restart).
            builds.fail(
                build_id=build_id,
                message=_("The build was interrupted: the server stopped. Try again."),
            )
            raise
        except Exception:
            logger.exception("The report of workshop %s could not be built", build.workshop_id)
            builds.fail(
                build_id=build_id,
                message=_(
                    "Something went wrong while building the PDF. Try again; if it fails "
                    "again, the server's log says why."
                ),
            )
            raise
    return len(raw)
