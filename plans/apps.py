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
        from accounts.cards import register_card, register_todo
        from accounts.services import register_line_merge_step
        from kam.demo import register_demo_step
        from kam.navigation import register_nav_item
        from kam.schedules import register_schedule
        from plans.cards import account_todos, plan_card, reviews_card
        from plans.lines import line_merge_step as plans_line_merge_step

        register_card("plan", order=20, template="plans/_account_card.html", build=plan_card, title=_("Plan"))
        register_card(
            "reviews", order=30, template="plans/_account_reviews.html", build=reviews_card, title=_("Review routine")
        )
        register_todo("plans", account_todos)
        register_nav_item(_("Plans"), "plans:list", order=50)
        register_nav_item(_("Reviews"), "plans:reviews", order=60)
        register_demo_step("plans.demo:seed_plans", order=40)
        register_demo_step("plans.demo_reviews:seed_reviews", order=50)
        register_line_merge_step(plans_line_merge_step)

        register_schedule(
            "Daily escalation of overdue reviews", "plans.tasks.review_escalation_task", minute="15", hour="7"
        )
        register_schedule(
            "Daily activation of approved plans", "plans.tasks.plan_activation_task", minute="5", hour="0"
        )
        # Setup, not domain flow: migration 0003 seeds the default review cadences, and a
        # flushed database (as tests leave it) gets them back, like the role groups.
        post_migrate.connect(_default_cadences_after_migrate, sender=self, dispatch_uid="plans_default_cadences")
