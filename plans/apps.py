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
        # Setup, not domain flow: migration 0003 seeds the default review cadences, and a
        # flushed database (as tests leave it) gets them back, like the role groups.
        post_migrate.connect(_default_cadences_after_migrate, sender=self, dispatch_uid="plans_default_cadences")
