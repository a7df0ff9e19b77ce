from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation, Municipality, ProgrammeMembership, User, WorksiteSupervisor
from accounts.services import invitation_create


class MembershipInline(admin.TabularInline):
    model = ProgrammeMembership
    extra = 0
    autocomplete_fields = ["programme"]


class SupervisionInline(admin.TabularInline):
    model = WorksiteSupervisor
    extra = 0
    autocomplete_fields = ["worksite"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "municipality", "is_municipality_admin", "is_active"]
    list_filter = ["municipality", "is_municipality_admin", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline, SupervisionInline]
    actions = ["send_invitation"]
    fieldsets = (
        (None, {"fields": ("email", "full_name", "password")}),
        (
            _("Municipality"),
            {"fields": ("municipality", "is_municipality_admin", "is_active", "chosen_language")},
        ),
        (_("Platform"), {"fields": ("is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("email", "full_name", "municipality", "is_municipality_admin")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    @admin.action(description=_("Send an invitation to set a password"))
    def send_invitation(self, request, queryset):
        for user in queryset:
            invitation_create(user=user, invited_by=request.user)
        messages.success(request, _("Invitations sent: %(count)d") % {"count": queryset.count()})


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "language"]
    search_fields = ["name"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "sent_at", "expires_at", "accepted_at", "revoked_at"]
    readonly_fields = [
        "user",
        "invited_by",
        "created_at",
        "sent_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    exclude = ["nonce"]

    def has_add_permission(self, request) -> bool:
        return False
