from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrowthConfig(AppConfig):
    """Growth inside the account: product lines sold, in pipeline and still to win (the whitespace map)."""

    name = "growth"
    verbose_name = _("Growth inside the account")

    def ready(self) -> None:
        from accounts.services import register_line_merge_step
        from growth.lines import line_merge_step
        from growth.portfolio import lines_bought_source, whitespace_source
        from scoring.sources import register_source

        register_source(
            "line_whitespace", _("Whitespace by line (potential still to win)"), whitespace_source, unit="money"
        )
        register_source("lines_bought", _("Number of product lines bought (year in use)"), lines_bought_source)
        register_line_merge_step(line_merge_step)
