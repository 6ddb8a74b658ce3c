from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self) -> None:
        from accounts.cards import register_card, register_todo
        from kam.demo import register_demo_step
        from kam.navigation import register_nav_item
        from kam.schedules import register_schedule
        from scoring.sources import register_source
        from surveys.cards import improvement_todos, satisfaction_card
        from surveys.frames import satisfaction_index_source

        register_source("satisfaction_index", _("Satisfaction index (surveys)"), satisfaction_index_source)
        register_card(
            "satisfaction",
            order=40,
            template="surveys/_account_card.html",
            build=satisfaction_card,
            title=_("Satisfaction"),
        )
        register_todo("surveys", improvement_todos)
        register_nav_item(_("Surveys"), "surveys:list", order=70)
        register_demo_step("surveys.demo:seed_surveys", order=60)
        register_schedule(
            "Daily survey reminders and closing", "surveys.tasks.surveys_daily_task", minute="0", hour="8"
        )
