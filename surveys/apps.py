from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self) -> None:
        from accounts.cards import register_card
        from kam.schedules import register_schedule
        from surveys.cards import satisfaction_card

        register_card("satisfaction", order=40, template="surveys/_account_card.html", build=satisfaction_card)
        from scoring.sources import register_source
        from surveys.frames import satisfaction_index_source

        register_source("satisfaction_index", _("Satisfaction index (surveys)"), satisfaction_index_source)
        register_schedule(
            "Daily survey reminders and closing", "surveys.tasks.surveys_daily_task", minute="0", hour="8"
        )
