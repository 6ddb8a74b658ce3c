from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    """The roof: pages and jobs that read every app (worklist, digests, executive dashboard)."""

    default = True
    name = "portfolio"
    verbose_name = _("Portfolio")

    def ready(self) -> None:
        from kam.navigation import register_nav_item
        from kam.schedules import register_schedule

        register_nav_item(_("Worklist"), "home", order=10)
        register_nav_item(_("My work"), "my_work", order=15)
        register_nav_item(_("Dashboard"), "dashboard", order=20)

        # The digest tasks keep their first names (see portfolio.tasks): beat's rows already name them.
        register_schedule("Daily digest of what is due", "kam.tasks.daily_digests_task", minute="0", hour="7")
        register_schedule(
            "Prune the dashboard's change log", "portfolio.tasks.data_changes_prune_task", minute="15", hour="3"
        )
        register_schedule(
            "Weekly executive sponsor digest", "kam.tasks.sponsor_digests_task", minute="30", hour="7", day_of_week="1"
        )
