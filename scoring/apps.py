from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Scoring and segmentation")

    def ready(self) -> None:
        from accounts.cards import register_card
        from kam.demo import register_demo_step
        from kam.navigation import register_nav_item
        from kam.roles import Role
        from kam.schedules import register_schedule
        from scoring.cards import score_card

        register_card("score", order=10, template="scoring/_account_card.html", build=score_card, title=_("Score"))
        register_nav_item(_("Segmentation"), "scoring:runs", order=40)
        register_nav_item(_("Scoring model"), "scoring:criteria", order=80, roles=frozenset({Role.ADMINISTRATOR}))
        register_demo_step("scoring.demo:seed_scoring", order=20)

        register_schedule(
            "Monthly re-segmentation",
            "scoring.tasks.scheduled_segmentation_task",
            minute="0",
            hour="3",
            day_of_month="1",
        )
        register_schedule("Segmentation watchdog", "scoring.tasks.segmentation_watchdog_task", minute="*/2", hour="*")
