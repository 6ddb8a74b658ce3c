"""The rating grid: a key account manager rates all their accounts on the manual criteria in one screen."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import Account
from kam.forms import SearchForm
from scoring.access import can_rate
from scoring.forms import RatingGrid
from scoring.models import Criterion, Rating
from scoring.services import ratings_save

ROWS_PER_PAGE = 50


def rating_grid(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_rate(user):
        raise PermissionDenied
    criteria = list(Criterion.objects.filter(is_active=True, source="manual"))
    accounts = Account.objects.editable_by(user).only("pk", "name", "is_key").order_by("-is_key", "name")
    search = SearchForm(request.GET)
    if query := search.query():
        accounts = accounts.filter(name__icontains=query)
    for error in search.errors.get("q", []):
        messages.error(request, error)
    page = Paginator(accounts, ROWS_PER_PAGE).get_page(request.POST.get("page") or request.GET.get("page"))
    full_name = Trim(Concat(F("rated_by__first_name"), Value(" "), F("rated_by__last_name")))
    ratings = Rating.objects.filter(account__in=[a.pk for a in page], criterion__in=criteria).annotate(
        rated_by_name=Coalesce(NullIf(full_name, Value("")), F("rated_by__username"))
    )
    existing = {(r.account_id, r.criterion_id): r for r in ratings}
    grid = RatingGrid(accounts=page, criteria=criteria, existing=existing, data=request.POST or None)
    if request.method == "POST" and not grid.has_typing_errors():
        saved = ratings_save(rows=grid.rating_rows, existing=existing, by=user)
        if not any(row.errors for row in grid.rating_rows):
            messages.success(request, _("%(count)s ratings saved. They count from the next run.") % {"count": saved})
            return redirect(f"{request.path}?{urlencode({'page': page.number, 'q': query})}")
    if request.method == "POST":
        messages.error(request, _("Nothing was saved: correct the rows marked below."))
    return render(request, "scoring/rating_grid.html", {"grid": grid, "page": page, "criteria": criteria})
