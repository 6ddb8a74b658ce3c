"""Addresses of the surveys app."""

from __future__ import annotations

from django.urls import path

from surveys.views import actions, campaigns, results

app_name = "surveys"

urlpatterns = [
    path("", campaigns.campaign_list, name="list"),
    path("new/", campaigns.campaign_new, name="create"),
    path("portfolio/", results.portfolio, name="portfolio"),
    path("actions/", actions.action_list, name="actions"),
    path("actions/<int:pk>/status/", actions.action_status, name="action_status"),
    path("responses/<int:response_pk>/action/", actions.action_new, name="action_create"),
    path("accounts/<int:account_pk>/summary/", actions.quarterly_summary, name="quarterly_summary"),
    path("<int:pk>/", campaigns.campaign_detail, name="detail"),
    path("<int:pk>/send/", campaigns.campaign_send_view, name="send"),
    path("<int:pk>/accounts/<int:account_pk>/", results.account_results, name="account_results"),
]
