from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = _("Plans shared with the customer")

    def ready(self) -> None:
        from kam.demo import register_demo_step
        from plans.history import register_history_source
        from plans.panels import register_plan_panel
        from sharing.cards import share_history, share_panel

        register_plan_panel("sharing", order=10, template="sharing/_plan_panel.html", build=share_panel)
        register_history_source("sharing", share_history)
        register_demo_step("sharing.demo:seed_sharing", order=70)
