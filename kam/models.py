"""Users of KAM; a user's role is one of the groups defined in kam.roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.utils.functional import cached_property

from kam.roles import Role


class User(AbstractUser):
    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role) -> bool:
        if self.is_superuser and role == Role.ADMINISTRATOR:
            return True
        return role.value in self.role_names

    @property
    def is_administrator(self) -> bool:
        return self.is_active and self.has_role(Role.ADMINISTRATOR)

    @property
    def is_key_account_manager(self) -> bool:
        return self.is_active and self.has_role(Role.KEY_ACCOUNT_MANAGER)

    @property
    def is_executive_sponsor(self) -> bool:
        return self.is_active and self.has_role(Role.EXECUTIVE_SPONSOR)

    @property
    def is_contributor(self) -> bool:
        return self.is_active and self.has_role(Role.CONTRIBUTOR)

    @property
    def role_labels(self) -> list[str]:
        return [str(role.label) for role in Role if self.has_role(role)]

    def __str__(self) -> str:
        return self.get_full_name() or self.username
