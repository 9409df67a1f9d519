from django.db import migrations, models
from django.utils import timezone

PENDING = ("queued", "running")


def keep_one_pending_build_per_workshop(apps, schema_editor):
    """Before the constraint: of a workshop's pending builds (one per language until now),
    the newest stays; the others fail with a message, to be asked for again."""
    ReportBuild = apps.get_model("restitution", "ReportBuild")
    seen = set()
    for build in ReportBuild.objects.filter(status__in=PENDING).order_by("-created", "-pk"):
        if build.workshop_id in seen:
            ReportBuild.objects.filter(pk=build.pk).update(
                status="failed",
                error="Stopped by an update: one build at a time per workshop. Try again.",
                finished=timezone.now(),
            )
        seen.add(build.workshop_id)


class Migration(migrations.Migration):
    dependencies = [("restitution", "0002_editor")]

    operations = [
        migrations.RemoveConstraint(model_name="reportbuild", name="one_pending_report_build"),
        migrations.RunPython(keep_one_pending_build_per_workshop, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="reportbuild",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ("queued", "running"))),
                fields=("workshop",),
                name="one_pending_report_build_per_workshop",
            ),
        ),
    ]
