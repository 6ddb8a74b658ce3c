"""Public survey pages: no login, reached through a personal token link."""

from __future__ import annotations

app_name = "surveys_public"

urlpatterns: list = []
