from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrowthConfig(AppConfig):
    """Growth inside the account: product lines sold, in pipeline and still to win (the whitespace map)."""

    name = "growth"
    verbose_name = _("Growth inside the account")

    def ready(self) -> None:
        from accounts.services import register_line_merge_step
        from growth.lines import line_merge_step

        register_line_merge_step(line_merge_step)
