from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.identity import identity_provider_save
from accounts.models import (
    GroupRole,
    IdentityProvider,
    Invitation,
    Municipality,
    ProgrammeMembership,
    Protocol,
    SignInEvent,
    User,
    WorksiteSupervisor,
)
from accounts.saml_app import metadata_xml_idp
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


def _url_field(name: str) -> forms.URLField:
    field = IdentityProvider._meta.get_field(name)
    assert isinstance(field, models.URLField)
    return forms.URLField(
        label=field.verbose_name,
        help_text=field.help_text,
        required=not field.blank,
        max_length=field.max_length,
        assume_scheme="https",
    )


class IdentityProviderForm(forms.ModelForm):
    issuer = _url_field("issuer")
    metadata_url = _url_field("metadata_url")
    client_secret = forms.CharField(
        label=_("client secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Kept encrypted. Leave empty to keep the secret as it is."),
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "municipality",
            "name",
            "slug",
            "protocol",
            "enabled",
            "issuer",
            "metadata_url",
            "metadata_xml",
            "client_id",
            "subject",
            "allowed_tenants",
            "allowed_groups",
            "email_claim",
            "name_claim",
            "groups_claim",
            "trust_provider_mfa",
            "password_sign_in",
            "sign_out_at_provider",
        ]

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("protocol") != Protocol.SAML:
            return data
        if not (data.get("metadata_url") or data.get("metadata_xml")):
            raise forms.ValidationError(
                _("A SAML provider needs the IdP's metadata address or its metadata XML.")
            )
        xml, entity_id = data.get("metadata_xml"), data.get("issuer") or ""
        if xml and not data.get("metadata_url") and not metadata_xml_idp(xml, entity_id):
            self.add_error(
                "metadata_xml",
                _(
                    "This is not SAML metadata of the IdP entity id above with a signing "
                    "certificate and a sign-in address."
                ),
            )
        return data


class GroupRoleInline(admin.TabularInline):
    model = GroupRole
    extra = 0
    autocomplete_fields = ["programme"]


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    """Platform staff configure a municipality's provider here (docs/sign-in.md)."""

    form = IdentityProviderForm
    list_display = ["name", "municipality", "protocol", "enabled", "password_sign_in"]
    list_filter = ["protocol", "enabled"]
    inlines = [GroupRoleInline]

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def save_model(self, request, obj, form, change) -> None:
        # The same service as `manage.py identity_provider_set`: the row, the secret, the log.
        identity_provider_save(
            provider=obj,
            fields=form.Meta.fields,
            secret=form.cleaned_data.get("client_secret") or None,
            actor=request.user,
        )


@admin.register(SignInEvent)
class SignInEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "method", "provider", "outcome", "reason", "second_factor"]
    list_filter = ["method", "outcome", "reason", "provider"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
