"""Administrators register endpoints here (/admin/webhooks/), read each delivery's outcome, and resume a paused one."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kam.events import EVENTS
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import endpoint_resume, endpoint_secret


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=list(EVENTS.items()), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "is_active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(_("Give an http:// or https:// address."))
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "description", "is_active", "paused_at", "consecutive_failures", "owner"]
    readonly_fields = ["secret", "owner", "paused_at", "consecutive_failures", "created_at"]
    actions = ["resume"]

    def save_model(self, request, obj, form, change) -> None:
        if not obj.pk:
            obj.owner = request.user
            obj.secret = endpoint_secret()
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Resume the selected endpoints"))
    def resume(self, request, queryset) -> None:
        for endpoint in queryset:
            endpoint_resume(endpoint=endpoint)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "endpoint", "status", "attempts", "response_status", "latency_ms"]
    list_filter = ["status", "event"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
