"""Factories for users with a role."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from kam.models import User
from kam.roles import Role

TEST_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def role(self, create: bool, extracted: Role | None, **kwargs) -> None:
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
            self.is_staff = extracted == Role.ADMINISTRATOR
            self.save(update_fields=["is_staff"])
