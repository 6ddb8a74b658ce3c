from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from kam.events import register_event_handler
        from webhooks.services import deliveries_create

        register_event_handler(deliveries_create)
