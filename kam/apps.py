from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_migrate(sender, **kwargs) -> None:
    from kam.roles import roles_sync

    roles_sync()


def _default_schedules_after_migrate(sender, **kwargs) -> None:
    from kam.schedules import schedules_ensure

    schedules_ensure()


def _triggers_after_migrate(sender, using: str = "default", **kwargs) -> None:
    from kam.stamp import triggers_install

    triggers_install(using=using)  # every app's tables exist after any migrate: (re)install the change triggers


class KamConfig(AppConfig):
    default = True
    name = "kam"
    verbose_name = _("KAM")

    def ready(self) -> None:
        # Setup, not domain flow: groups must exist on every fresh database.
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="kam_roles_sync")
        # Setup too: the periodic jobs every app needs (kam.schedules), on every fresh or flushed database.
        post_migrate.connect(_default_schedules_after_migrate, sender=self, dispatch_uid="kam_default_schedules")
        # Setup too: the data stamp's triggers (kam.stamp), once per migrate.
        post_migrate.connect(_triggers_after_migrate, sender=self, dispatch_uid="kam_datachange_triggers")
        # Infrastructure too: a finished task closes its outbox row (Celery's task_postrun signal).
        # And: request ids into tasks, task counts for /metrics, beat's ticks for /readyz.
        import kam.health
        import kam.metrics
        import kam.outbox
        import kam.request_id  # noqa: F401
        from kam import audit

        # An audit trail of role changes, wherever they are made (kam.audit says why a signal).
        audit.connect()
        from kam.schedules import register_schedule

        register_schedule(
            "Publish queued background work (outbox)", "kam.tasks.outbox_publish_task", minute="*", hour="*"
        )
        # A worker of each queue shows it is alive by running these (/readyz).
        register_schedule("Worker heartbeat (light queue)", "kam.tasks.heartbeat_task", minute="*", hour="*")
        register_schedule("Worker heartbeat (heavy queue)", "kam.tasks.heartbeat_heavy_task", minute="*", hour="*")


class KamAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "kam.admin_site.KamAdminSite"
