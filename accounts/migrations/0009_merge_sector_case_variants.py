"""Sectors that differ only by case or spaces ("Retail", "retail ") become one, spelt as most accounts spell it."""

from django.db import migrations
from django.db.models import Count


def merge_sector_variants(apps, schema_editor):
    Account = apps.get_model("accounts", "Account")
    spelling: dict[str, str] = {}
    rows = Account.objects.exclude(sector="").values("sector").annotate(uses=Count("pk")).order_by("-uses", "sector")
    for row in rows:
        sector = row["sector"]
        canonical = spelling.setdefault(" ".join(sector.split()).casefold(), " ".join(sector.split()))
        if sector != canonical:
            Account.objects.filter(sector=sector).update(sector=canonical)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_crm_import_company_facts_mappings_sales_team")]

    operations = [migrations.RunPython(merge_sector_variants, migrations.RunPython.noop)]
