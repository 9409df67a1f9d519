from django.contrib import admin

from territories.models import Territory


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "color"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
