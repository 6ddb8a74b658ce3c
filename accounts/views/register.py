"""The account register: filtered, sorted, paginated list, and its exports."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.access import can_create_accounts
from accounts.exporting import register_csv, register_xlsx
from accounts.filters import AccountFilter
from accounts.financial_year import financial_year_in_use
from accounts.models import Account, Lifecycle, Segment, Tier
from kam.models import name_fields

PAGE_SIZE = 50
# What a row shows (see _register_results.html and _label_rows), and parent_id for the group revenue.
ROW_COLUMNS = (
    "name", "lifecycle", "is_key", "segment", "score", "tier", "sector", "country", "last_year_revenue",
    "revenue_growth", "parent_id", *name_fields("owner"),
)  # fmt: skip


def _filtered(request: HttpRequest) -> AccountFilter:
    return AccountFilter(request.GET or None, queryset=Account.objects.visible_to(request.user))


def _matching(register: AccountFilter):
    """The filtered accounts; none when a filter value is invalid, rather than silently the whole register."""
    if register.is_bound and not register.is_valid():
        return register.queryset.none()
    return register.qs


def _label_rows(rows: list[Account]) -> None:
    """Translate each label once per page, not once per row (get_FOO_display re-hashes lazy choices)."""
    codes = [account.country.code for account in rows]  # each access builds a Country: once per row
    country_names = {code: countries.name(code) for code in set(codes)}
    segments, tiers, lifecycles = (
        {value: str(label) for value, label in choices.choices} for choices in (Segment, Tier, Lifecycle)
    )
    not_scored = str(_("Not scored"))
    for account, code in zip(rows, codes, strict=True):
        account.country_name = country_names[code]
        account.segment_label = segments.get(account.segment) or (not_scored if account.score is None else "")
        account.tier_label = tiers.get(account.tier, "")
        account.lifecycle_label = lifecycles.get(account.lifecycle, "")
        account.owner_name = str(account.owner) if account.owner else ""


MAX_GROUP_DEPTH = 10  # deeper chains are cycles or data errors


def _group_revenues(page: list[Account]) -> None:
    """Set `group_total` on each account of the page that belongs to a group (revenue of the year in use).

    Queries grow with the depth of the groups, not with the rows: one per level up, one per level down, one sum.
    """
    parent = {account.pk: account.parent_id for account in page}
    root = {pk: pk for pk in parent}
    for _level in range(MAX_GROUP_DEPTH):
        unknown = {top for top in root.values() if top not in parent}
        if unknown:
            parent.update(Account.objects.filter(pk__in=unknown).order_by().values_list("pk", "parent_id"))
        moved = {pk: parent[top] for pk, top in root.items() if parent.get(top) is not None}
        if not moved:
            break
        root.update(moved)
    member_root = {top: top for top in set(root.values())}
    level = set(member_root)
    for _level in range(MAX_GROUP_DEPTH):
        # Known members (rarely any) are skipped here rather than sent to the database a second time.
        children = Account.objects.filter(parent_id__in=level).order_by().values_list("pk", "parent_id")
        new = {pk: member_root[of] for pk, of in children if pk not in member_root}
        if not new:
            break
        member_root.update(new)
        level = set(new)
    sizes: dict[int, int] = {}
    for top in member_root.values():
        sizes[top] = sizes.get(top, 0) + 1
    grouped = [pk for pk, top in member_root.items() if sizes[top] > 1]
    totals: dict[int, Decimal] = {}
    for pk, revenue in Account.objects.filter(pk__in=grouped).order_by().values_list("pk", "last_year_revenue"):
        if revenue is not None:
            totals[member_root[pk]] = totals.get(member_root[pk], Decimal(0)) + revenue
    for account in page:
        account.group_total = totals.get(root[account.pk]) if sizes.get(root[account.pk], 1) > 1 else None


def account_list(request: HttpRequest) -> HttpResponse:
    register = _filtered(request)
    accounts = _matching(register).select_related("owner").only(*ROW_COLUMNS)
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    _label_rows(rows)
    _group_revenues(rows)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": register,
        "page": page,
        "query": query.urlencode(),
        "currency": settings.KAM_CURRENCY,
        "financial_year": financial_year_in_use(),
        "can_create": can_create_accounts(request.user),
    }
    # A history restore (back button after the cache expired) needs the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "accounts/_register_results.html" if partial else "accounts/account_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def account_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The register as the user filtered it, limited to what they may see."""
    accounts = _matching(_filtered(request))
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(register_csv(accounts), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            register_xlsx(accounts),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="kam-accounts-{stamp}.{fmt}"'
    return response
