from typing import TypeAlias

from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    AnonymousUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.country import offered
from audit.models import AppendOnlyModel


class Country(models.TextChoices):
    NORWAY = "NO", _("Norway")
    SWEDEN = "SE", _("Sweden")


# The languages a municipality and its users may choose, the country's usual one first: a
# Norwegian municipality may speak nynorsk, a Swedish one never does; English is for everyone.
COUNTRY_LANGUAGES = {Country.NORWAY: ("nb", "nn", "en"), Country.SWEDEN: ("sv", "en")}


def country_languages(country: str) -> tuple[str, ...]:
    return COUNTRY_LANGUAGES[Country(country)]


def _language_of_its_country() -> models.Q:
    allowed = models.Q(language="")
    for country, languages in COUNTRY_LANGUAGES.items():
        allowed |= models.Q(country=country, language__in=languages)
    return allowed


# Reports that leave Fotfeste show counts of people below the municipality's threshold as «<5».
DEFAULT_DISCLOSURE_THRESHOLD = 5
MIN_DISCLOSURE_THRESHOLD, MAX_DISCLOSURE_THRESHOLD = 3, 20


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    # accounts/disclosure.py applies it.
    disclosure_threshold = models.PositiveSmallIntegerField(
        _("smallest count shown in reports"),
        default=DEFAULT_DISCLOSURE_THRESHOLD,
        help_text=_("Counts of people below this are suppressed in reports (3 to 20)."),
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_(
            "The language of its users who have not chosen one. Empty: the country's usual "
            "language."
        ),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    disclosure_threshold__gte=MIN_DISCLOSURE_THRESHOLD,
                    disclosure_threshold__lte=MAX_DISCLOSURE_THRESHOLD,
                ),
                name="municipality_disclosure_threshold_range",
                violation_error_message=_("The smallest count shown must be between 3 and 20."),
            ),
            models.CheckConstraint(
                condition=_language_of_its_country(),
                name="municipality_language_of_its_country",
                violation_error_message=_(
                    "A municipality's language must be one of its country's languages or English."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def default_language(self) -> str:
        """The language of its users who have not chosen one: its own choice, else the
        country's usual language (bokmål in Norway, Swedish in Sweden)."""
        return self.language or country_languages(self.country)[0]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_queryset(self):
        # Every page needs the user's municipality (scoping, language): load it with the user.
        return super().get_queryset().select_related("municipality")

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        help_text=_("Empty only for the platform's own operators."),
    )
    is_municipality_admin = models.BooleanField(_("municipality admin"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("platform staff"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    chosen_language = models.CharField(
        _("language"),
        max_length=5,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Empty: the municipality's language."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def language(self) -> str:
        """The language of this user's pages and mail: their own choice, if their country
        offers it, else their municipality's (the manager loads the municipality with the
        user, so this does not query)."""
        if self.chosen_language in self.offered_languages:
            return self.chosen_language
        if self.municipality is None:
            return settings.LANGUAGE_CODE
        return self.municipality.default_language

    @property
    def offered_languages(self) -> tuple[str, ...]:
        """The languages this user may choose: their country's and English."""
        return languages_offered_in(self.municipality if self.municipality_id else None)


# Whom a scoping point (``visible_to``) may be asked about: a signed-in user, or a request's
# anonymous one, who is shown nothing.
AnyUser: TypeAlias = User | AnonymousUser


def languages_offered_in(municipality: Municipality | None) -> tuple[str, ...]:
    """Its country's languages and English; every language for the platform's operators."""
    if municipality is None:
        return tuple(code for code, _name in settings.LANGUAGES)
    return country_languages(municipality.country)


class ProgrammeRole(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    PROGRAMME_LEAD = "programme_lead", _("Programme lead")
    # Feriesamordnare: the summer-job seasons of the programme (set-up, priority, the lottery),
    # never its participants' case data (DESIGN.md §1).
    SUMMER_COORDINATOR = "summer_coordinator", _("Summer-jobs coordinator")

    @classmethod
    def for_country(cls, country: str | None) -> list[tuple[str, str]]:
        return offered(cls, country, PROGRAMME_ROLE_COUNTRY)


PROGRAMME_ROLE_COUNTRY: dict[str, str] = {ProgrammeRole.SUMMER_COORDINATOR: Country.SWEDEN}


class ProgrammeMembership(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    programme = models.ForeignKey(
        "programs.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=ProgrammeRole.choices)
    # The identity provider's group that gave the role (GroupRole); empty when given in
    # Fotfeste. Only a role a group gave is taken away when the user leaves the group.
    via_group = models.CharField(_("given by group"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("programme membership")
        verbose_name_plural = _("programme memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme"],
                name="one_role_per_user_and_programme",
                violation_error_message=_("This user already has a role in this programme."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.programme} · {self.get_role_display()}"


class WorksiteSupervisor(models.Model):
    """An arbeidsleder / handledare at one worksite."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="supervised_worksites"
    )
    worksite = models.ForeignKey(
        "placements.Worksite",
        verbose_name=_("worksite"),
        on_delete=models.CASCADE,
        related_name="supervisors",
    )

    class Meta:
        verbose_name = _("work supervisor")
        verbose_name_plural = _("work supervisors")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "worksite"],
                name="one_supervision_per_user_and_worksite",
                violation_error_message=_("This user already supervises this worksite."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.worksite}"


class Invitation(models.Model):
    """A one-time link that lets an invited user set their first password."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    nonce = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> "ApiTokenQuerySet":
        """Not revoked, not expired, and of a user who may still sign in."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now()).filter(
            user__is_active=True
        )


class ApiToken(models.Model):
    """A personal API token. Only the SHA-256 of the secret is kept: the secret itself is
    shown once, when the token is made, and cannot be recovered."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_created",
                violation_error_message=_("A token must expire after it was made."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


# --- Signing in through the municipality's identity provider (docs/sign-in.md) ------------


class Protocol(models.TextChoices):
    OIDC = "openid_connect", _("OpenID Connect")
    SAML = "saml", _("SAML 2.0")


class SubjectKind(models.TextChoices):
    """What the account is tied to: never the e-mail address, which changes."""

    SUB = "sub", _("The subject (sub) claim, or the SAML NameID")
    ENTRA = "entra", _("Tenant id and object id (tid + oid, Entra ID)")


class PasswordSignIn(models.TextChoices):
    EVERYONE = "everyone", _("Everyone may also sign in with a password")
    BREAK_GLASS = "break_glass", _("Only municipality admins with two-factor (break-glass)")


def lines(text: str) -> list[str]:
    """A list kept one per line (or comma-separated), without blanks."""
    return [part.strip() for part in text.replace(",", "\n").splitlines() if part.strip()]


class IdentityProvider(models.Model):
    """How one municipality's staff sign in: its Entra ID tenant, its ADFS, its regional IdP."""

    municipality = models.OneToOneField(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="identity_provider",
    )
    name = models.CharField(
        _("name shown"),
        max_length=100,
        help_text=_("On the button: «Sign in with …», e.g. «Lyngdal kommune»."),
    )
    slug = models.SlugField(
        _("short name"),
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9-]+$")],
        help_text=_("In the addresses Fotfeste gives the provider; lower case, digits, hyphens."),
    )
    protocol = models.CharField(_("protocol"), max_length=20, choices=Protocol.choices)
    enabled = models.BooleanField(_("in use"), default=True)
    # OpenID Connect: the issuer, whose /.well-known/openid-configuration Fotfeste reads.
    # SAML: the IdP's entity id.
    issuer = models.URLField(_("issuer or IdP entity id"), max_length=300)
    metadata_url = models.URLField(
        _("SAML metadata address"), max_length=300, blank=True, help_text=_("SAML only.")
    )
    metadata_xml = models.TextField(
        _("SAML metadata"),
        blank=True,
        help_text=_(
            "SAML only, when the IdP publishes no metadata address: its metadata XML as the "
            "IdP's admin hands it over."
        ),
    )
    client_id = models.CharField(_("client id"), max_length=200, blank=True)
    # Encrypted like national IDs (config/crypto.py); set through identity_provider_secret_set.
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    subject = models.CharField(
        _("account tied to"), max_length=10, choices=SubjectKind.choices, default=SubjectKind.SUB
    )
    allowed_tenants = models.TextField(
        _("allowed tenants"),
        blank=True,
        help_text=_("Entra ID tenant ids (tid), one a line. Empty: no tenant is checked."),
    )
    allowed_groups = models.TextField(
        _("allowed groups"),
        blank=True,
        help_text=_(
            "Group ids, one a line. Their members get an account at their first sign-in; "
            "empty: only users the municipality admin has invited."
        ),
    )
    email_claim = models.CharField(_("e-mail claim or attribute"), max_length=200, default="email")
    name_claim = models.CharField(_("name claim or attribute"), max_length=200, default="name")
    groups_claim = models.CharField(
        _("groups claim or attribute"), max_length=200, default="groups"
    )
    trust_provider_mfa = models.BooleanField(
        _("trust the provider's second factor"),
        default=True,
        help_text=_(
            "When the provider says a second factor was used (amr contains mfa, or the SAML "
            "authentication context says so), Fotfeste does not ask for its own."
        ),
    )
    password_sign_in = models.CharField(
        _("password sign-in"),
        max_length=20,
        choices=PasswordSignIn.choices,
        default=PasswordSignIn.EVERYONE,
    )
    sign_out_at_provider = models.BooleanField(
        _("sign out at the provider too"),
        default=True,
        help_text=_(
            "Signing out of Fotfeste also signs out at the provider where it offers that "
            "(OpenID Connect end_session_endpoint, SAML single logout). Turn off for an IdP "
            "that refuses Fotfeste's unsigned LogoutRequest, such as ADFS."
        ),
    )

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def login_path(self) -> str:
        """Where «Sign in with …» is posted: allauth's login address for the protocol."""
        if self.protocol == Protocol.SAML:
            return reverse("saml_login", kwargs={"organization_slug": self.slug})
        return reverse("openid_connect_login", kwargs={"provider_id": self.slug})

    @property
    def tenants(self) -> list[str]:
        return lines(self.allowed_tenants)

    @property
    def groups(self) -> list[str]:
        return lines(self.allowed_groups)


class GroupRole(models.Model):
    """Members of a provider's group get a programme role at sign-in; leaving the group takes
    it away at their next sign-in. Roles given in Fotfeste are never touched."""

    provider = models.ForeignKey(
        IdentityProvider,
        verbose_name=_("identity provider"),
        on_delete=models.CASCADE,
        related_name="group_roles",
    )
    group = models.CharField(_("group id"), max_length=200)
    programme = models.ForeignKey(
        "programs.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=20, choices=ProgrammeRole.choices)

    class Meta:
        verbose_name = _("group role")
        verbose_name_plural = _("group roles")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "group", "programme"],
                name="one_role_per_group_and_programme",
                violation_error_message=_("This group already gives a role in this programme."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.programme}"


class SignInMethod(models.TextChoices):
    PASSWORD = "password", _("Password")
    OIDC = "openid_connect", _("OpenID Connect")
    SAML = "saml", _("SAML 2.0")


class SignInOutcome(models.TextChoices):
    SIGNED_IN = "signed_in", _("Signed in")
    REFUSED = "refused", _("Refused")
    SIGNED_OUT = "signed_out", _("Signed out")


class SecondFactor(models.TextChoices):
    NONE = "", _("None asked")
    TOTP = "totp", _("Fotfeste's own (TOTP)")
    PROVIDER = "provider", _("The provider's")


class SignInEvent(AppendOnlyModel):
    """Every sign-in, every refusal and every sign-out. A refusal names no person: no address,
    no subject, only the provider and a reason. A sign-out's reason says what became of the
    provider's session (accounts/sign_out.py)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    method = models.CharField(max_length=20, choices=SignInMethod.choices)
    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=SignInOutcome.choices)
    reason = models.CharField(max_length=40, blank=True)
    second_factor = models.CharField(
        max_length=10, choices=SecondFactor.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        ordering = ["-at", "-pk"]
