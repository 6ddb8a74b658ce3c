"""Public survey pages: no login, reached through a personal token link."""

from __future__ import annotations

from django.urls import path

from surveys.views import public

app_name = "surveys_public"

urlpatterns = [
    path("<str:token>/", public.answer, name="answer"),
    path("<str:token>/opt-out/", public.opt_out, name="opt_out"),
]
