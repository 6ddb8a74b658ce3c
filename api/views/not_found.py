"""Any other address under /api/v1/: a JSON 404, as every API answer is JSON."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView


@extend_schema(exclude=True)
class NotFound(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []

    def _answer(self, *args, **kwargs) -> Response:
        return Response({"detail": _("No such address in the API.")}, status=404)

    get = post = put = patch = delete = _answer
