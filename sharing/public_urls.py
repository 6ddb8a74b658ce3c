"""The customer's pages of a shared plan: no login, a personal link."""

from django.urls import path

from sharing import public_views

app_name = "sharing_public"

urlpatterns = [
    path("<str:token>/", public_views.shared_plan, name="plan"),
    path("<str:token>/code/", public_views.code_resend, name="code"),
    path("<str:token>/comment/", public_views.customer_comment, name="comment"),
    path("<str:token>/done/", public_views.customer_action_done, name="done"),
    path("<str:token>/propose/", public_views.customer_propose, name="propose"),
]
