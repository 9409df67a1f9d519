from django.contrib import admin

from workshops.models import Participant, PostIt, Workshop


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "place", "code", "created_by"]
    search_fields = ["title", "event", "place", "code"]
    filter_horizontal = ["facilitators", "territories"]
    readonly_fields = ["code", "created_at"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["first_name", "subgroup", "workshop", "created_at"]
    list_filter = ["workshop"]


@admin.register(PostIt)
class PostItAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "theme", "subgroup", "author", "created_at"]
    list_filter = ["kind", "subgroup__table__workshop"]
    search_fields = ["text"]
