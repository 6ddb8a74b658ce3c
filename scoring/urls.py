from django.urls import path

from scoring import views

app_name = "scoring"

urlpatterns = [
    path("criteria/", views.criteria, name="criteria"),
    path("runs/", views.run_list, name="runs"),
    path("runs/new/", views.run_now, name="run_now"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
]
