from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Account register")

    def ready(self) -> None:
        from accounts.coverage import relationship_coverage_source
        from accounts.pipeline import open_pipeline_source
        from scoring.sources import register_source

        register_source(
            "relationship_coverage", _("Relationship coverage (decision-maker map)"), relationship_coverage_source
        )
        register_source("open_pipeline", _("Open pipeline (open deals imported from the CRM)"), open_pipeline_source)
