from django.contrib import admin

from restitution.models import ReportBuild


@admin.register(ReportBuild)
class ReportBuildAdmin(admin.ModelAdmin):
    """To see what happened to a build; builds are made from the exports page."""

    list_display = ["workshop", "language", "status", "step", "progress", "size", "created"]
    list_filter = ["status", "language"]
    exclude = ["pdf"]  # megabytes: the download serves it
    readonly_fields = [field.name for field in ReportBuild._meta.fields if field.name != "pdf"]

    def get_queryset(self, request):
        return super().get_queryset(request).without_pdf().select_related("workshop")

    def has_add_permission(self, request):
        return False
