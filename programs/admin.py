from django.contrib import admin

from programs.models import Cohort, Module, Programme, QualificationTrack


class CohortInline(admin.TabularInline):
    model = Cohort
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "kind", "starts_on", "ends_on"]
    list_filter = ["municipality", "kind"]
    search_fields = ["name"]
    inlines = [CohortInline]


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0


@admin.register(QualificationTrack)
class QualificationTrackAdmin(admin.ModelAdmin):
    """Trades are national: platform staff add them and their modules."""

    search_fields = ["name"]
    inlines = [ModuleInline]
