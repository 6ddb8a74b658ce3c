"""The portfolio's one table: a log of the transactions that changed what the dashboard reads (see portfolio.stamp)."""

from __future__ import annotations

from django.db import models


class DataChange(models.Model):
    """One row per transaction that wrote a table the dashboard reads, written by a database trigger."""

    txid = models.BigIntegerField(unique=True)

    class Meta:
        verbose_name = "data change"

    def __str__(self) -> str:
        return str(self.txid)
