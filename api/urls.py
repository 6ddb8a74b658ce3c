"""/api/v1/ (versioned resources), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI from our static files).

Every API view is exempt from the login middleware: the token, checked by DRF, is the login.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import pages
from api.views import accounts, misc, not_found, plans, scoring


def _api(view_class):
    return login_not_required(view_class.as_view())


v1 = [
    path("accounts/", _api(accounts.AccountList), name="accounts"),
    path("accounts/<int:pk>/", _api(accounts.AccountDetail), name="account"),
    path("accounts/by-reference/<str:reference>/", _api(accounts.AccountByReference), name="account_by_reference"),
    path("accounts/<int:pk>/contacts/", _api(accounts.ContactList), name="account_contacts"),
    path("accounts/<int:pk>/financials/", _api(accounts.FinancialList), name="account_financials"),
    path("accounts/<int:pk>/interactions/", _api(accounts.InteractionList), name="account_interactions"),
    path("accounts/<int:pk>/score/", _api(scoring.AccountScoreView), name="account_score"),
    path("accounts/<int:pk>/survey-results/", _api(misc.SurveyResults), name="account_survey_results"),
    path("contacts/<int:pk>/", _api(accounts.ContactDetail), name="contact"),
    path("segmentation-runs/", _api(scoring.RunList), name="runs"),
    path("segmentation-runs/<int:pk>/", _api(scoring.RunDetail), name="run"),
    path("overrides/", _api(scoring.OverrideList), name="overrides"),
    path("plans/", _api(plans.PlanList), name="plans"),
    path("plans/<int:pk>/", _api(plans.PlanDetail), name="plan"),
    path("actions/<int:pk>/", _api(plans.ActionStatusView), name="action"),
    path("reviews/due/", _api(plans.ReviewsDue), name="reviews_due"),
    path("notifications/", _api(misc.NotificationList), name="notifications"),
    path("notifications/<int:pk>/read/", _api(misc.NotificationRead), name="notification_read"),
    path("imports/", _api(misc.ImportCreate), name="imports"),
    path("imports/<int:pk>/", _api(misc.ImportDetail), name="import"),
]

app_name = "api"
urlpatterns = [
    *[path(f"v1/{p.pattern}", p.callback, name=p.name) for p in v1],
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    # The split view serves its start-up script as a file: our CSP forbids inline scripts. (No Redoc: its page
    # loads fonts from the internet.)
    path("docs/", login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    # Anything else under v1 is a JSON 404, not the site's HTML page.
    re_path(r"^v1/", _api(not_found.NotFound), name="not_found"),
    path("tokens/", pages.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", pages.token_revoke_view, name="token_revoke"),
]
