"""The roof's pages, at the site's root: `/`, `/my-work/` and `/dashboard/` (their names are used across templates)."""

from django.urls import path

from portfolio import views

urlpatterns = [
    path("", views.home, name="home"),
    path("my-work/", views.my_work, name="my_work"),
    path("worklist/plans/<int:pk>/approve/", views.worklist_plan_approve, name="worklist_plan_approve"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/pdf/", views.dashboard_pdf, name="dashboard_pdf"),
]
