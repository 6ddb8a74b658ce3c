"""Operators' endpoints: readiness for load balancers and orchestrators, Prometheus metrics."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kam.health import readiness
from kam.metrics import CONTENT_TYPE_LATEST, metrics_allowed, metrics_exposition
from kam.views import _broker_state


@login_not_required
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """200 {"status": "ready", ...}: database, migrations, broker, a worker per queue and beat all fine; else 503."""
    ready, checks = readiness(broker_state=_broker_state())
    return JsonResponse({"status": "ready" if ready else "not ready", **checks}, status=200 if ready else 503)


@login_not_required
@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for a bearer of METRICS_TOKEN or an administrator; a 404 for anyone else."""
    if not metrics_allowed(request):
        raise Http404
    return HttpResponse(metrics_exposition(), content_type=CONTENT_TYPE_LATEST)
