"""Demo users, one per role (password kam-demo), plus two more account managers; the apps' demo steps."""

from __future__ import annotations

from django.contrib.auth.models import Group

from kam.models import User
from kam.roles import Role

DEMO_PASSWORD = "kam-demo"  # noqa: S105 - documented demo password, refused outside DEBUG

# The demo administrator's two-factor secret (administrators must use two-factor sign-in): documented
# in the README so `make run` stays usable. Type it into an authenticator app, or get the current code
# with `oathtool --totp -b <secret>`. Like the password, it exists only where seed_demo runs: DEBUG on.
DEMO_ADMIN_TOTP_SECRET = "KAMDEMOADMINTOTPKEYFORDEVONLY234"  # noqa: S105

DEMO_USERS = [
    # username, first name, last name, role
    ("admin", "Anne", "Martin", Role.ADMINISTRATOR),
    ("manager", "Marc", "Dubois", Role.KEY_ACCOUNT_MANAGER),
    ("sponsor", "Sophie", "Laurent", Role.EXECUTIVE_SPONSOR),
    ("contributor", "Chloé", "Bernard", Role.CONTRIBUTOR),
    ("claire", "Claire", "Moreau", Role.KEY_ACCOUNT_MANAGER),
    ("tom", "Tom", "Walker", Role.KEY_ACCOUNT_MANAGER),
    ("paul", "Paul", "Girard", Role.EXECUTIVE_SPONSOR),
]


# "<module>:<function>" run by seed_demo in order, each taking users=...; apps register theirs from ready().
# Kept as dotted names so that demo data and its modules load only when seed_demo runs.
DEMO_STEPS: list[tuple[int, str]] = []


def register_demo_step(step: str, *, order: int) -> None:
    """Add a demo step ("app.module:function"); steps run by order, each after the ones before it."""
    if any(existing == step for _order, existing in DEMO_STEPS):
        return
    DEMO_STEPS.append((order, step))
    DEMO_STEPS.sort()


def seed_users() -> dict[str, User]:
    """Create or refresh the demo users; returns them by username."""
    users = {}
    for username, first, last, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@kam.example"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        users[username] = user
    return users


def seed_admin_two_factor(*, user: User) -> None:
    """Enrol the demo administrator with the documented secret (replacing any enrolment of theirs)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kam.two_factor import DEVICE_NAME, totp_key_from_secret

    key = totp_key_from_secret(DEMO_ADMIN_TOTP_SECRET)
    if TOTPDevice.objects.filter(user=user, confirmed=True, key=key).exists():
        return
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=True)
