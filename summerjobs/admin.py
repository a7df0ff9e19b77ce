"""Until the season's set-up pages exist, platform staff set a season up here, its payroll
codes too (the lönearter of hourly and holiday pay, the employer's id in the payroll file) and
each workplace's cost centre. Applications, lottery results and payroll files hold personal
data and are not in the admin."""

from django.contrib import admin

from summerjobs.models import PayRate, Period, Place, PriorityTier, Season, WorkArea, Workplace


class PeriodInline(admin.TabularInline):
    model = Period
    extra = 0


class PayRateInline(admin.TabularInline):
    model = PayRate
    extra = 0


class WorkAreaInline(admin.TabularInline):
    model = WorkArea
    extra = 0


class PriorityTierInline(admin.TabularInline):
    model = PriorityTier
    extra = 0


@admin.register(Season)
class SeasonAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "kind", "applications_open_at", "applications_close_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [PeriodInline, PayRateInline, WorkAreaInline, PriorityTierInline]


class PlaceInline(admin.TabularInline):
    model = Place
    extra = 0


@admin.register(Workplace)
class WorkplaceAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "kind", "cost_centre"]
    list_filter = ["municipality", "kind"]
    search_fields = ["name"]
    inlines = [PlaceInline]
