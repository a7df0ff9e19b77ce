from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.saml import saml_acs, saml_finish_acs, saml_login, saml_metadata, saml_sls
from accounts.social import oidc_callback, oidc_login
from accounts.views import (
    MunicipalityLoginView,
    SignInView,
    UserLanguageView,
    language_choose,
    sign_out_onward,
)
from config.converters import IdConverter
from config.health import health
from web.api import router
from web.views import HomeView, hello

register_converter(IdConverter, "id")

# The Django admin signs in through the same flow as everyone else: password, then second factor.
# Wrapped on the default site in place (mypy refuses assigning to a method): an AdminSite of our
# own would have to take over every app's registrations.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


def _not_offered(request, *args, **kwargs):
    """Sign-in addresses are managed by the municipality admin, not changed by users."""
    raise Http404


urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("participants/", include("participants.urls")),
    path("participants/", include("privacy.urls")),
    path("worksites/", include("placements.urls")),
    path("programmes/", include("programs.urls")),
    path("reports/", include("reporting.urls")),
    path("imports/", include("imports.urls")),
    path("summerjobs/", include("summerjobs.urls")),
    path("summerjobs/", include("privacy.applicant_urls")),
    path("apply/", include("summerjobs.public_urls")),
    path("manage/", include("accounts.urls")),
    path("accounts/email/", _not_offered),
    path("accounts/tokens/", include("accounts.token_urls")),
    path("accounts/language/", UserLanguageView.as_view(), name="user-language"),
    # Before allauth's own: the same addresses, with the ID token's signature always checked
    # and every refusal a page of Fotfeste's (accounts/social.py, accounts/saml.py).
    path("accounts/oidc/<str:provider_id>/login/", oidc_login),
    path("accounts/oidc/<str:provider_id>/login/callback/", oidc_callback),
    path("accounts/saml/<str:organization_slug>/login/", saml_login),
    path("accounts/saml/<str:organization_slug>/acs/", saml_acs),
    path("accounts/saml/<str:organization_slug>/acs/finish/", saml_finish_acs),
    path("accounts/saml/<str:organization_slug>/sls/", saml_sls),
    path("accounts/saml/<str:organization_slug>/metadata/", saml_metadata),
    path("accounts/signing-out/", sign_out_onward, name="sign-out-onward"),
    path("accounts/login/", SignInView.as_view()),
    path("accounts/login/<slug:slug>/", MunicipalityLoginView.as_view(), name="municipality-login"),
    # Staff do not connect or disconnect identity providers themselves.
    path("accounts/3rdparty/", _not_offered),
    path("accounts/3rdparty/signup/", _not_offered),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", language_choose, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include(router.urls)),
    # Answered by config.health.health_probe before the session middleware; the route names it.
    path("health/", health, name="health"),
    # The signed-in baseline that `make bench` measures pages against (docs/benchmarks.md).
    path("hello/", hello, name="hello"),
]

# An address under /api/ that no route matches answers in the API's error format.
handler404 = "config.rest.not_found"
