"""Addresses of the whitespace map (under /accounts/<pk>/, served by growth) and of the peer settings."""

from django.urls import path

from growth import views

app_name = "growth"

cell = "accounts/<int:pk>/whitespace/<int:row_pk>/<int:line_pk>/"

urlpatterns = [
    path("accounts/<int:pk>/whitespace/", views.map_view, name="map"),
    path(cell, views.cell_view, name="cell"),
    path(f"{cell}mark/", views.mark_set_view, name="mark_set"),
    path(f"{cell}mark/clear/", views.mark_clear_view, name="mark_clear"),
    path(f"{cell}potential/", views.potential_set_view, name="potential_set"),
    path(f"{cell}potential/clear/", views.potential_clear_view, name="potential_clear"),
    path("growth/peers/", views.peer_settings_view, name="peers"),
]
