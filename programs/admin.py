from django.contrib import admin

from programs.models import Cohort, Programme


class CohortInline(admin.TabularInline):
    model = Cohort
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "kind", "starts_on", "ends_on"]
    list_filter = ["municipality", "kind"]
    search_fields = ["name"]
    inlines = [CohortInline]
