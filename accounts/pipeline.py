"""An account's open pipeline (the sum of its open deals' amounts), as a scoring criterion source."""

from __future__ import annotations

import pandas as pd
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import Deal, DealOutcome


def open_pipeline_source(frame: pd.DataFrame) -> pd.Series:
    """Open amounts per account; an account with no imported deal has no value (unknown, not zero)."""
    open_sum = Coalesce(
        Sum("amount", filter=Q(outcome=DealOutcome.OPEN)),
        Value(0),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )
    rows = (
        Deal.objects.order_by().values("account_id").annotate(pipeline=open_sum).values_list("account_id", "pipeline")
    )
    values = pd.Series({account: float(pipeline) for account, pipeline in rows}, dtype=float)
    return values.reindex(frame.index)
