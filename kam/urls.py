from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from kam import oidc_views, ops_views, two_factor_views, views

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_mark_read"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("metrics", ops_views.metrics, name="metrics"),
    path("login/", oidc_views.KamLoginView.as_view(), name="login"),
    path(
        "login/sso/",
        login_not_required(oidc_views.KamOIDCAuthenticateView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "login/sso/callback/",
        login_not_required(oidc_views.KamOIDCCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path("login/verify/", two_factor_views.two_factor_verify, name="two_factor_verify"),
    path("account/two-factor/", two_factor_views.two_factor_setup, name="two_factor_setup"),
    path(
        "account/two-factor/recovery-codes/",
        two_factor_views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("account/two-factor/remove/", two_factor_views.two_factor_remove, name="two_factor_remove"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # The language switcher must work before login too.
    path("i18n/setlang/", views.language_switch, name="set_language"),
    path("", include("growth.urls")),  # /accounts/<pk>/whitespace/ and /growth/: the growth app's pages
    path("accounts/", include("accounts.urls")),
    path("scoring/", include("scoring.urls")),
    path("plans/", include("plans.urls")),
    path("surveys/", include("surveys.urls")),
    path("s/", include("surveys.public_urls")),
    path("health/", include("health.urls")),
    path("sharing/", include("sharing.urls")),
    path("p/", include("sharing.public_urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    # The cross-app pages (home worklist, dashboard) last: their "" prefix must not shadow the others.
    path("", include("portfolio.urls")),
]
