from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self) -> None:
        from scoring.sources import register_source
        from surveys.frames import satisfaction_index_source

        register_source("satisfaction_index", _("Satisfaction index (surveys)"), satisfaction_index_source)
