from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _default_cadences_after_migrate(sender, **kwargs) -> None:
    from plans.reviews import review_cadences_ensure

    review_cadences_ensure()


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Account plans")

    def ready(self) -> None:
        from kam.schedules import register_schedule

        register_schedule(
            "Daily escalation of overdue reviews", "plans.tasks.review_escalation_task", minute="15", hour="7"
        )
        register_schedule(
            "Daily activation of approved plans", "plans.tasks.plan_activation_task", minute="5", hour="0"
        )
        # Setup, not domain flow: migration 0003 seeds the default review cadences, and a
        # flushed database (as tests leave it) gets them back, like the role groups.
        post_migrate.connect(_default_cadences_after_migrate, sender=self, dispatch_uid="plans_default_cadences")
