"""Reads of the report's background builds, without the PDF's bytes but for the download."""

from dataclasses import dataclass

from restitution.models import ReportBuild

# Finished builds of one report are dropped once a newer one is ready; failed retries
# may pile up meanwhile, and only the latest few matter.
RECENT_BUILDS = 10


@dataclass(frozen=True)
class BuildState:
    language: str
    current: ReportBuild | None  # the latest build, pending or finished
    ready: ReportBuild | None  # the latest ready one: what the download serves

    @property
    def polling(self) -> bool:
        return self.current is not None and self.current.pending and not self.current.stale


def build_state(workshop, language: str) -> BuildState:
    """One query."""
    builds = list(
        ReportBuild.objects.without_pdf()
        .filter(workshop=workshop, language=language)
        .order_by("-created", "-pk")[:RECENT_BUILDS]
    )
    ready = next((b for b in builds if b.status == ReportBuild.Status.READY), None)
    return BuildState(language=language, current=builds[0] if builds else None, ready=ready)


def latest_pdf(workshop, language: str) -> ReportBuild | None:
    """The latest ready build with its PDF's bytes."""
    return (
        ReportBuild.objects.filter(
            workshop=workshop, language=language, status=ReportBuild.Status.READY
        )
        .order_by("-created", "-pk")
        .first()
    )
