from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _defaults_after_migrate(sender, **kwargs) -> None:
    from health.services import health_defaults_ensure

    health_defaults_ensure()


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = _("Account health")

    def ready(self) -> None:
        from accounts.cards import register_card
        from accounts.events import register_event_handler
        from health.cards import health_card
        from kam.demo import register_demo_step
        from kam.navigation import register_nav_item
        from kam.schedules import register_schedule
        from plans.pdf import register_internal_pdf_section

        register_card("health", order=15, template="health/_account_card.html", build=health_card, title=_("Health"))
        register_nav_item(_("Health"), "health:portfolio", order=75)
        register_demo_step("health.demo:seed_health", order=80)
        register_schedule(
            "Weekly account health snapshot and playbooks",
            "health.tasks.health_weekly_task",
            minute="0",
            hour="6",
            day_of_week="1",
        )
        register_event_handler("health.playbooks:playbooks_on_event")
        register_internal_pdf_section(template="health/_plan_pdf_risks.html", build="health.cards:plan_pdf_risks")
        # Setup, not domain flow: migration 0002 seeds the defaults; a flushed database gets them back.
        post_migrate.connect(_defaults_after_migrate, sender=self, dispatch_uid="health_defaults")
