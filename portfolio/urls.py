"""The roof's pages, at the site's root: `/` and `/dashboard/` (their names are used across templates)."""

from django.urls import path

from portfolio import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/pdf/", views.dashboard_pdf, name="dashboard_pdf"),
]
