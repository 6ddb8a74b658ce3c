from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Account register")

    def ready(self) -> None:
        from kam.demo import register_demo_step
        from kam.navigation import register_nav_item
        from kam.schedules import register_schedule

        register_nav_item(_("Accounts"), "accounts:list", order=30)
        register_demo_step("accounts.demo:seed_accounts", order=10)
        # Maps are drawn for the key accounts, which scoring's step (order 20) selects.
        register_demo_step("accounts.demo_maps:seed_maps", order=30)
        register_schedule(
            "Expire unapplied import uploads", "accounts.tasks.import_uploads_expire_task", minute="17", hour="*"
        )
