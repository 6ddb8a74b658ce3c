"""People in imports: find our users by username, e-mail or full name, and import a sales-team file as users."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.importing.common import mapped_columns
from accounts.importing.errors import ImportFileError
from accounts.importing.fields import ImportKind
from accounts.importing.parsing import close_matches, invalid_emails, normalise_name, normalise_names
from accounts.importing.reading import LINE_COLUMN
from accounts.importing.results import ImportPreview, ImportResult, RowErrors, SkippedRows, Suggestion, line_list
from accounts.models import SalesProfile
from kam.roles import Role

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
SAMPLE_SIZE = 20


def assignable_users(role: Role | None = None) -> QuerySet:
    """Users an account can be given to: active ones, and those imported but not yet invited (never signed in).

    A user who signed in once and was then deactivated has left: they are not offered.
    """
    users = get_user_model().objects.filter(Q(is_active=True) | Q(last_login__isnull=True))
    if role is not None:
        users = users.filter(groups__name=role)
    return users.distinct()


def full_name_key(first_name: str, last_name: str) -> str:
    return normalise_name(f"{first_name} {last_name}")


@dataclass
class PeopleIndex:
    """Users by casefolded username and e-mail, and by full name without case or accents."""

    by_username: dict[str, int] = field(default_factory=dict)
    by_email: dict[str, list[int]] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    usernames: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, users: QuerySet) -> PeopleIndex:
        index = cls()
        for pk, username, email, first, last in users.values_list("pk", "username", "email", "first_name", "last_name"):
            index.add(pk, username=username, email=email, first_name=first, last_name=last)
        return index

    def add(self, pk: int, *, username: str, email: str, first_name: str, last_name: str) -> None:
        self.by_username[username.casefold()] = pk
        self.usernames[pk] = username
        if email:
            self.by_email.setdefault(email.casefold(), []).append(pk)
        key = full_name_key(first_name, last_name)
        if key:
            self.by_name.setdefault(key, []).append(pk)
        full = f"{first_name} {last_name}".strip()
        self.labels[pk] = f"{full} ({username})" if full else username

    def find(self, text: str) -> tuple[int | None, list[int]]:
        """(user, ambiguous candidates) for a username, an e-mail or a full name."""
        folded = text.strip().casefold()
        if not folded:
            return None, []
        if folded in self.by_username:
            return self.by_username[folded], []
        for candidates in (self.by_email.get(folded, []), self.by_name.get(normalise_name(text), [])):
            if len(candidates) == 1:
                return candidates[0], []
            if candidates:
                return None, candidates
        return None, []


def users_match(
    values: pd.Series,
    lines: pd.Series,
    errors: RowErrors,
    *,
    users: QuerySet,
    not_found: str,
    field: str = "",
    field_label: str = "",
) -> tuple[pd.Series, list[Suggestion]]:
    """The user each non-empty cell names (float ids, NaN when empty or wrong); wrong cells are row errors.

    `not_found` is the message for a cell nobody answers to, with %(value)s. With a `field`, a misspelt full
    name close to one user's gets a suggestion (its replacement is the username) the preview offers to accept.
    """
    wanted = [value for value in values.unique() if value]
    if not wanted:
        return pd.Series(float("nan"), index=values.index), []
    index = PeopleIndex.load(users)
    found: dict[str, float] = {}
    unknown: list[str] = []
    for value in wanted:
        pk, candidates = index.find(value)
        found[value] = float(pk) if pk is not None else float("nan")
        if candidates:
            message = _("“%(value)s” could be several people: %(candidates)s. Use the username or e-mail.") % {
                "value": value,
                "candidates": ", ".join(sorted(index.labels[c] for c in candidates)),
            }
            errors.add_where(values == value, lines, message)
        elif pk is None:
            unknown.append(value)
    unique_names = {key: pks[0] for key, pks in index.by_name.items() if len(pks) == 1}
    close = close_matches(pd.Series(unknown, dtype=str), unique_names) if field else {}
    suggestions = []
    for value in unknown:
        where = values == value
        message = not_found % {"value": value}
        if value in close:
            pk = close[value]
            message += " " + _("Did you mean %(suggestion)s?") % {"suggestion": index.labels[pk]}
            suggestions.append(
                Suggestion(
                    field=field,
                    field_label=field_label,
                    value=value,
                    replacement=index.usernames[pk],
                    replacement_label=index.labels[pk],
                    lines=[int(line) for line in lines[where]],
                )
            )
        errors.add_where(where, lines, message)
    return values.map(found).astype(float), suggestions


# --- Sales-team files ------------------------------------------------------------------------------------------

USERNAME_CHARS = re.compile(r"[^\w.@+-]+")


@dataclass
class PlannedPerson:
    line: int
    key: str  # full-name key: how the file's manager column points at this row
    user_id: int | None
    values: dict[str, object]  # username, first_name, last_name, email
    profile: dict[str, object]  # manager (a row key or a user id), region
    action: str = UNCHANGED


@dataclass
class SalesTeamImportPlan:
    user: object
    preview: ImportPreview
    people: list[PlannedPerson]
    profiles: dict[int, dict]  # current profiles of matched users

    def apply(self) -> ImportResult:
        """Create the new users (inactive, no usable password, key account managers), then set every profile."""
        user_model = get_user_model()
        new = [person for person in self.people if person.user_id is None]
        created = user_model.objects.bulk_create(
            [user_model(**person.values, is_active=False, password=make_password(None)) for person in new]
        )
        for person, user in zip(new, created, strict=True):
            person.user_id = user.pk
        if created and not all(user.pk for user in created):  # a database without RETURNING
            by_username = dict(
                user_model.objects.filter(username__in=[p.values["username"] for p in new]).values_list(
                    "username", "pk"
                )
            )
            for person in new:
                person.user_id = by_username[person.values["username"]]
        group = Group.objects.get(name=Role.KEY_ACCOUNT_MANAGER)
        user_model.groups.through.objects.bulk_create(
            [user_model.groups.through(user_id=person.user_id, group_id=group.pk) for person in new]
        )
        changed = [p for p in self.people if p.action == UPDATE and p.values]
        # One statement per renamed person: a sales team is tens of people, and their changes differ.
        for person in changed:
            user_model.objects.filter(pk=person.user_id).update(**person.values)
        ids = {person.key: person.user_id for person in self.people}
        wanted = {
            person.user_id: {
                "manager_id": ids.get(person.profile["manager"], person.profile["manager"]),
                "region": person.profile["region"],
            }
            for person in self.people
        }
        existing = {p.user_id: p for p in SalesProfile.objects.filter(user_id__in=list(wanted))}
        SalesProfile.objects.bulk_create(
            [SalesProfile(user_id=pk, **values) for pk, values in wanted.items() if pk not in existing]
        )
        stale = []
        for pk, values in wanted.items():
            profile = existing.get(pk)
            if profile and (profile.manager_id, profile.region) != (values["manager_id"], values["region"]):
                profile.manager_id, profile.region = values["manager_id"], values["region"]
                stale.append(profile)
        SalesProfile.objects.bulk_update(stale, ["manager_id", "region"])
        actions = [person.action for person in self.people]
        return ImportResult(
            created=actions.count(CREATE),
            updated=actions.count(UPDATE),
            unchanged=actions.count(UNCHANGED),
            warnings=self.preview.warnings,
            kind=ImportKind.SALES_TEAM,
            skipped=self.preview.skipped,
        )


def _split_name(full: str) -> tuple[str, str]:
    """ "Anna Snelling" → ("Anna", "Snelling"); one word is a first name."""
    parts = full.split()
    if len(parts) < 2:
        return full.strip(), ""
    return " ".join(parts[:-1]), parts[-1]


def _username(base: str, taken: set[str]) -> str:
    stem = USERNAME_CHARS.sub(".", normalise_name(base).replace(" ", ".")).strip(".")[:140] or "user"
    candidate, number = stem, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem}{number}"
    taken.add(candidate.casefold())
    return candidate


def sales_team_importer_check(*, user) -> None:
    """A sales-team file creates user accounts: that is an administrator's right."""
    if not getattr(user, "is_administrator", False):
        raise ImportFileError(_("Only administrators can import a sales team: it creates user accounts."))


def sales_team_plan(*, frame: pd.DataFrame, mapping: dict[str, str], user) -> SalesTeamImportPlan:
    """Check a sales-team file (agent, manager, region) against our users; nothing is written."""
    sales_team_importer_check(user=user)
    data = mapped_columns(frame=frame, mapping=mapping, kind=ImportKind.SALES_TEAM)
    preview = ImportPreview(kind=ImportKind.SALES_TEAM)
    blank = data["name"] == ""
    if blank.any():
        preview.skipped.append(SkippedRows(reason=_("no name"), lines=[int(v) for v in data.loc[blank, LINE_COLUMN]]))
    data = data[~blank].reset_index(drop=True)
    lines = data[LINE_COLUMN]
    errors = RowErrors()

    def text(name: str) -> pd.Series:
        return data[name] if name in data else pd.Series("", index=data.index, dtype=str)

    names, emails, usernames = text("name"), text("email"), text("username")
    managers, regions = text("manager"), text("region")
    keys = normalise_names(names)
    errors.add_where(names.str.len() > 150, lines, _("The name is longer than 150 characters."))
    errors.add_where(regions.str.len() > 100, lines, _("The region is longer than 100 characters."))
    errors.add_where(
        invalid_emails(emails), lines, lambda i: _("“%(value)s” is not an e-mail address.") % {"value": emails[i]}
    )
    errors.add_where(
        (usernames != "") & ((usernames.str.len() > 150) | usernames.str.contains(USERNAME_CHARS)),
        lines,
        lambda i: _("“%(value)s” is not a username: letters, digits and @ . + - _ only.") % {"value": usernames[i]},
    )
    repeated = keys.duplicated(keep=False)
    for _key, group in lines[repeated].groupby(keys[repeated]):
        for line in group:
            errors.add(
                line,
                _("“%(name)s” is on several lines: %(lines)s.")
                % {"name": names[group.index[0]], "lines": line_list(group)},
            )

    user_model = get_user_model()
    index = PeopleIndex.load(user_model.objects.all())
    current = {
        row["pk"]: row
        for row in user_model.objects.order_by().values("pk", "username", "first_name", "last_name", "email")
    }
    profiles = {
        pk: {"manager": manager, "region": region}
        for pk, manager, region in SalesProfile.objects.values_list("user_id", "manager_id", "region")
    }
    taken = {row["username"].casefold() for row in current.values()}
    file_keys = set(keys)

    people: list[PlannedPerson] = []
    shown: dict[str, str] = {}  # full-name key → the name as the file writes it
    planned_managers: dict[str, str] = {}  # managers neither in the file nor among our users: key → full name
    for i in data.index:
        line = int(lines[i])
        pk, candidates = None, []
        for probe in (usernames[i], emails[i], names[i]):
            if probe:
                pk, candidates = index.find(probe)
                if pk is not None or candidates:
                    break
        if candidates:
            errors.add(
                line,
                _("“%(value)s” could be several people: %(candidates)s. Add an e-mail or username column.")
                % {"value": names[i], "candidates": ", ".join(sorted(index.labels[c] for c in candidates))},
            )
        manager: object = None
        if managers[i]:
            manager_key = normalise_name(managers[i])
            manager_pk, manager_candidates = index.find(managers[i])
            if manager_key in file_keys:
                manager = manager_key
            elif manager_pk is not None:
                manager = manager_pk
            elif manager_candidates:
                errors.add(
                    line,
                    _("The manager “%(value)s” could be several people: %(candidates)s.")
                    % {
                        "value": managers[i],
                        "candidates": ", ".join(sorted(index.labels[c] for c in manager_candidates)),
                    },
                )
            else:
                planned_managers.setdefault(manager_key, managers[i])
                manager = manager_key
            if manager_key == keys[i]:
                errors.add(line, _("A person cannot be their own manager."))
        if errors.has(line):
            continue
        first, last = _split_name(names[i])
        values: dict[str, object] = {"first_name": first[:150], "last_name": last[:150]}
        if emails[i]:
            values["email"] = emails[i]
        person = PlannedPerson(
            line=line, key=keys[i], user_id=pk, values=values, profile={"manager": manager, "region": regions[i]}
        )
        if pk is None:
            person.values["username"] = usernames[i] or _username(emails[i].split("@")[0] or names[i], taken)
            person.values.setdefault("email", "")
            person.action = CREATE
        else:
            account = current[pk]
            person.values = {name: value for name, value in values.items() if account[name] != value}
        shown[keys[i]] = names[i]
        people.append(person)

    # A manager named by a row of the file is that row's user when it is already one of ours.
    known = {person.key: person.user_id for person in people if person.user_id is not None}
    for person in people:
        if isinstance(person.profile["manager"], str) and person.profile["manager"] in known:
            person.profile["manager"] = known[person.profile["manager"]]
        if person.action != CREATE and (
            person.values or _profile_differs(profiles.get(person.user_id), person.profile)
        ):
            person.action = UPDATE

    for key, full in planned_managers.items():
        first, last = _split_name(full)
        shown[key] = full
        people.append(
            PlannedPerson(
                line=0,
                key=key,
                user_id=None,
                values={"username": _username(full, taken), "first_name": first, "last_name": last, "email": ""},
                profile={"manager": None, "region": ""},
                action=CREATE,
            )
        )
    preview.errors = errors.as_list()
    if errors:
        people = []
    actions = [person.action for person in people]
    preview.to_create, preview.to_update, preview.unchanged = (actions.count(a) for a in (CREATE, UPDATE, UNCHANGED))
    labels = {CREATE: _("create"), UPDATE: _("update"), UNCHANGED: _("unchanged")}
    preview.sample = [
        {
            _("Line"): person.line or "—",
            _("Action"): labels[person.action],
            _("Full name"): shown[person.key],
            _("Manager"): shown.get(person.profile["manager"]) or index.labels.get(person.profile["manager"], ""),
            _("Region or office"): person.profile["region"],
        }
        for person in people[:SAMPLE_SIZE]
    ]
    return SalesTeamImportPlan(user=user, preview=preview, people=people, profiles=profiles)


def _profile_differs(current: dict | None, wanted: dict) -> bool:
    if current is None:
        return bool(wanted["manager"] or wanted["region"])
    manager = wanted["manager"]
    if isinstance(manager, str):  # a manager this import creates
        return True
    return (current["manager"], current["region"]) != (manager, wanted["region"])
