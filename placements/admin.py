from django.contrib import admin

from placements.models import Worksite


@admin.register(Worksite)
class WorksiteAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "kind"]
    list_filter = ["municipality", "kind"]
    search_fields = ["name"]
