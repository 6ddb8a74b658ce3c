from django.urls import path

from scoring import views

app_name = "scoring"

urlpatterns = [
    path("criteria/", views.criteria, name="criteria"),
    path("criteria/wording/", views.criteria_wording, name="criteria_wording"),
    path("runs/", views.run_list, name="runs"),
    path("runs/new/", views.run_now, name="run_now"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("ratings/", views.rating_grid, name="ratings"),
    path("overrides/", views.override_list, name="overrides"),
    path("overrides/propose/<int:account_pk>/", views.override_propose_view, name="override_propose"),
    path("overrides/<int:pk>/decide/", views.override_decide_view, name="override_decide"),
    path("overrides/<int:pk>/withdraw/", views.override_withdraw_view, name="override_withdraw"),
]
