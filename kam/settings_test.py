"""Settings for the test suite: the real settings, in development mode, with tasks eager.

DATABASE_URL and CELERY_BROKER_URL still come from the environment, so CI runs
the suite against PostgreSQL and Redis. Tests that need a real worker start one
themselves (see conftest.celery_worker).
"""

import os

os.environ.setdefault("DEBUG", "true")

from kam.settings import *  # noqa: F403

# Tasks run in-process in tests; the worker integration tests send to a queue explicitly.
CELERY_TASK_ALWAYS_EAGER = True
# Hashing with the real algorithm costs ~0.3 s per login; tests log in hundreds of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Most tests sign administrators in with force_login, which gives no second factor; the
# two-factor tests and the browser journeys turn the confinement back on.
KAM_TWO_FACTOR_ENFORCED = False
# Every task to the default queue, which the worker tests point at their own worker's queue.
KAM_TASK_QUEUES: dict[str, str] = {}
