from django.contrib import admin

from territories.models import KEY_FACTS_MAX, KeyFact, Territory


class KeyFactInline(admin.TabularInline):
    model = KeyFact
    extra = 1
    max_num = KEY_FACTS_MAX
    fields = ["position", "label", "value", "source"]


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "color"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    inlines = [KeyFactInline]
