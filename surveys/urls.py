"""Addresses of the surveys app."""

from __future__ import annotations

app_name = "surveys"

urlpatterns: list = []
