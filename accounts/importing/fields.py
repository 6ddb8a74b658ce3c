"""What an import can fill: the fields of each kind of file, and the column names that usually hold them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    ACCOUNTS = "accounts", _("Accounts")
    TRANSACTIONS = "transactions", _("Transaction lines")
    SALES_TEAM = "sales_team", _("Sales team (agents, managers, regions)")
    OPPORTUNITIES = "opportunities", _("Opportunities (deals, won, open or lost)")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str | Promise
    required: bool = False
    synonyms: tuple[str, ...] = ()


# Synonyms are compared after normalise_header(), so "Code client", "code_client" and "CODE-CLIENT" are one.
ACCOUNT_FIELDS = [
    FieldSpec(
        "reference",
        _("Reference"),
        synonyms=(
            "reference", "référence", "ref", "réf", "customer id", "customerid", "customer code", "customer number",
            "customer no", "client id", "id client", "code client", "numéro client", "n° client", "no client",
            "account id", "account number", "account code", "numéro de compte", "code", "id", "external id",
            "erp id", "crm id", "identifiant",
        ),
    ),
    FieldSpec(
        "name",
        _("Name"),
        required=True,
        synonyms=(
            "name", "nom", "company", "company name", "companyname", "société", "societe", "raison sociale",
            "account", "account name", "compte", "nom du compte", "nom de compte", "customer name", "customer",
            "client", "nom client", "nom du client", "organisation", "organization", "entreprise", "dénomination",
        ),
    ),
    FieldSpec(
        "parent",
        _("Parent account (name or reference)"),
        synonyms=(
            "parent", "parent account", "parent account name", "parent account id", "parent id", "parent company",
            "parent name", "parent reference", "parent ref", "parent code", "account parent", "subsidiary of",
            "subsidiaryof", "member of", "part of", "ultimate parent", "parent organization", "compte parent",
            "group", "group name", "groupe", "nom du groupe", "holding", "maison mère", "société mère",
            "tête de groupe", "filiale de", "appartient à", "code groupe", "référence groupe",
        ),
    ),
    FieldSpec(
        "lifecycle",
        _("Lifecycle"),
        synonyms=("lifecycle", "lifecycle stage", "status", "statut", "stage", "cycle de vie", "type de client"),
    ),
    FieldSpec(
        "sector",
        _("Sector"),
        synonyms=("sector", "secteur", "secteur d'activité", "industry", "industrie", "activité", "business sector"),
    ),
    FieldSpec(
        "country",
        _("Country"),
        synonyms=(
            "country", "pays", "country code", "code pays", "billing country", "shipping country", "mailing country",
            "country/region", "country region", "office location", "hq country", "headquarters country",
            "country of headquarters", "pays de facturation", "pays du siège", "nation",
        ),
    ),
    FieldSpec("city", _("City"), synonyms=("city", "ville", "town", "localité", "commune")),
    FieldSpec(
        "website",
        _("Website"),
        synonyms=("website", "web site", "site web", "site internet", "site", "url", "web", "homepage"),
    ),
    FieldSpec(
        "employees",
        _("Employees (the company's headcount)"),
        synonyms=(
            "employees", "number of employees", "employee count", "no of employees", "nb employees", "headcount",
            "staff", "effectif", "effectifs", "salariés", "nombre de salariés", "employés", "nombre d'employés",
            "nb salariés", "taille", "company size",
        ),
    ),
    FieldSpec(
        "company_turnover",
        _("Company turnover (reported, not our revenue)"),
        synonyms=(
            "revenue", "revenues", "annual revenue", "company revenue", "turnover", "annual turnover",
            "company turnover", "chiffre d'affaires", "chiffre d'affaires annuel", "ca", "ca annuel", "ca société",
            "revenue (m)", "revenue m", "revenue musd", "revenue meur", "turnover (m)", "ca (m€)", "ca (k€)",
        ),
    ),
    FieldSpec(
        "founded_year",
        _("Year founded"),
        synonyms=(
            "founded", "year founded", "founded year", "founding year", "year established", "established",
            "year of establishment", "year of creation", "creation year", "année de création", "année création",
            "date de création", "fondée en", "fondation", "année de fondation",
        ),
    ),
    FieldSpec(
        "owner",
        _("Key account manager (username, e-mail or full name)"),
        synonyms=(
            "owner", "kam", "key account manager", "account manager", "account owner", "owner name",
            "account owner name", "sales agent", "agent", "sales rep", "sales representative", "salesperson",
            "responsable", "responsable du compte", "commercial", "propriétaire", "propriétaire du compte",
            "gestionnaire", "username",
        ),
    ),
    FieldSpec(
        "service_manager",
        _("Service manager (username, e-mail or full name)"),
        synonyms=(
            "service manager", "customer success manager", "csm", "account service manager", "responsable service",
            "responsable de service", "responsable du service client",
        ),
    ),
    FieldSpec(
        "potential",
        _("Estimated potential"),
        synonyms=("potential", "estimated potential", "potentiel", "potentiel estimé", "wallet", "category spend"),
    ),
    # Never guessed from a plain "revenue" column: in an accounts export that is the customer's own size.
    FieldSpec(
        "revenue",
        _("Revenue"),
        synonyms=(
            "our revenue", "revenue with us", "our sales", "sales to them", "notre chiffre d'affaires", "notre ca",
        ),
    ),
    FieldSpec("year", _("Year of the revenue"), synonyms=("year", "année", "annee", "exercice", "fiscal year")),
    FieldSpec(
        "contact_name",
        _("Contact name"),
        synonyms=(
            "contact", "contact name", "contactname", "nom du contact", "nom contact", "interlocuteur",
            "contact person",
        ),
    ),
    FieldSpec(
        "contact_title",
        _("Contact job title"),
        synonyms=("contact title", "contacttitle", "job title", "title", "fonction", "poste", "titre"),
    ),
    FieldSpec(
        "contact_email",
        _("Contact e-mail"),
        synonyms=("email", "e-mail", "mail", "courriel", "contact email", "adresse email", "adresse e-mail"),
    ),
    FieldSpec(
        "contact_phone",
        _("Contact phone"),
        synonyms=("phone", "telephone", "téléphone", "tel", "tél", "contact phone", "mobile", "portable"),
    ),
]  # fmt: skip

TRANSACTION_FIELDS = [
    FieldSpec(
        "customer",
        _("Customer (reference or name)"),
        required=True,
        synonyms=(
            "customer", "customer id", "customerid", "customer code", "customer number", "customer no", "client",
            "client id", "id client", "code client", "numéro client", "n° client", "no client", "reference",
            "référence", "ref", "account", "account id", "compte", "code",
        ),
    ),
    FieldSpec(
        "customer_name",
        _("Customer name"),
        synonyms=(
            "customer name", "company", "company name", "companyname", "société", "societe", "raison sociale",
            "nom", "name", "nom client", "nom du client", "account name",
        ),
    ),
    FieldSpec(
        "date",
        _("Date"),
        required=True,
        synonyms=(
            "date", "invoice date", "invoicedate", "order date", "orderdate", "transaction date", "date facture",
            "date de facture", "date de facturation", "date commande", "date de commande", "date de la commande",
        ),
    ),
    FieldSpec(
        "amount",
        _("Amount"),
        synonyms=(
            "amount", "montant", "total", "montant ht", "total ht", "net amount", "line total", "line amount",
            "amount excl tax", "revenue", "sales", "ca", "chiffre d'affaires", "value", "valeur",
        ),
    ),
    FieldSpec("quantity", _("Quantity"), synonyms=("quantity", "qty", "quantité", "qté", "qte", "nombre")),
    FieldSpec(
        "unit_price",
        _("Unit price"),
        synonyms=("unit price", "unitprice", "price", "prix", "prix unitaire", "pu", "prix unitaire ht", "pu ht"),
    ),
    FieldSpec("discount", _("Discount (0 to 1)"), synonyms=("discount", "remise", "rabais", "escompte")),
    FieldSpec(
        "invoice",
        _("Invoice or order number"),
        synonyms=(
            "invoice", "invoice no", "invoiceno", "invoice number", "invoice id", "facture", "n° facture",
            "numéro de facture", "numéro facture", "order", "order id", "orderid", "order number", "commande",
            "n° commande", "numéro de commande", "document",
        ),
    ),
    FieldSpec("country", _("Country"), synonyms=("country", "pays", "country code", "code pays")),
    FieldSpec(
        "credit_flag",
        _("Credit note flag (document type)"),
        synonyms=(
            "document type", "doc type", "type de document", "type de pièce", "type pièce", "credit note",
            "credit flag", "avoir", "type facture", "type de facture", "invoice type",
        ),
    ),
    # A line of the catalogue, not an article: a column of thousands of articles would make thousands of lines.
    FieldSpec(
        "product_line",
        _("Product line"),
        synonyms=(
            "product line", "productline", "ligne de produit", "ligne de produits", "ligne produit", "product",
            "produit", "gamme", "gamme de produits", "category", "category name", "categoryname",
            "product category", "catégorie", "catégorie de produit", "catégorie produit", "family",
            "product family", "famille", "famille de produits", "famille produit", "business line", "offre",
        ),
    ),
]  # fmt: skip

OPPORTUNITY_FIELDS = [
    FieldSpec(
        "deal_id",
        _("Deal id"),
        synonyms=(
            "opportunity id", "opportunityid", "opportunity", "deal id", "dealid", "deal", "id", "opportunity number",
            "id opportunité", "opportunité", "n° opportunité", "numéro d'opportunité", "id affaire", "affaire",
            "n° affaire", "deal number", "record id",
        ),
    ),
    FieldSpec(
        "account",
        _("Account (reference or name)"),
        required=True,
        synonyms=(
            "account", "account name", "accountname", "account id", "company", "company name", "customer",
            "customer name", "client", "nom client", "compte", "nom du compte", "société", "societe", "organisation",
            "organization", "raison sociale",
        ),
    ),
    FieldSpec(
        "stage",
        _("Stage"),
        required=True,
        synonyms=(
            "stage", "deal stage", "dealstage", "opportunity stage", "sales stage", "status", "statut", "étape",
            "etape", "phase", "stade", "étape de vente", "pipeline stage",
        ),
    ),
    FieldSpec(
        "close_date",
        _("Close date"),
        synonyms=(
            "close date", "closedate", "closing date", "date de clôture", "date de cloture", "date clôture",
            "expected close date", "won date", "date de signature", "date signature", "closed on",
        ),
    ),
    FieldSpec(
        "amount",
        _("Amount (close value)"),
        required=True,
        synonyms=(
            "amount", "close value", "closevalue", "closing value", "deal value", "value", "deal amount", "montant",
            "montant de l'affaire", "valeur", "opportunity amount", "expected revenue", "ca", "chiffre d'affaires",
        ),
    ),
    FieldSpec("product", _("Product"), synonyms=("product", "produit", "offre", "offer", "product name", "gamme")),
    FieldSpec(
        "owner",
        _("Sales agent"),
        synonyms=(
            "owner", "sales agent", "salesagent", "sales rep", "salesperson", "opportunity owner", "deal owner",
            "commercial", "vendeur", "responsable", "propriétaire", "chargé d'affaires",
        ),
    ),
    FieldSpec(
        "engage_date",
        _("Created or engaged on"),
        synonyms=(
            "engage date", "engagedate", "created date", "create date", "created", "created on", "date de création",
            "date creation", "date d'engagement", "open date", "opened on",
        ),
    ),
]  # fmt: skip

SALES_TEAM_FIELDS = [
    FieldSpec(
        "name",
        _("Full name"),
        required=True,
        synonyms=(
            "sales agent", "salesagent", "agent", "agent name", "name", "full name", "sales rep", "salesperson",
            "sales representative", "account manager", "user", "employee", "nom", "nom complet", "commercial",
            "vendeur", "collaborateur",
        ),
    ),
    FieldSpec("email", _("E-mail"), synonyms=("email", "e-mail", "mail", "courriel", "email address")),
    FieldSpec("username", _("Username"), synonyms=("username", "login", "user name", "identifiant")),
    FieldSpec(
        "manager",
        _("Manager (full name, e-mail or username)"),
        synonyms=(
            "manager", "sales manager", "manager name", "team lead", "team leader", "reports to", "supervisor",
            "responsable", "manager commercial", "n+1", "supérieur", "chef d'équipe", "directeur commercial",
        ),
    ),
    FieldSpec(
        "region",
        _("Region or office"),
        synonyms=(
            "regional office", "region", "région", "office", "team", "sales team", "territory", "équipe",
            "bureau", "agence", "territoire", "bureau régional", "zone",
        ),
    ),
]  # fmt: skip

FIELDS: dict[ImportKind, list[FieldSpec]] = {
    ImportKind.ACCOUNTS: ACCOUNT_FIELDS,
    ImportKind.TRANSACTIONS: TRANSACTION_FIELDS,
    ImportKind.SALES_TEAM: SALES_TEAM_FIELDS,
    ImportKind.OPPORTUNITIES: OPPORTUNITY_FIELDS,
}


def normalise_header(text: str) -> str:
    """Lower case, no accents, letters and digits only: "Code_Client " and "code client" compare equal."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[^0-9a-z]+", "", plain)


def _synonym_index(kind: ImportKind) -> dict[str, str]:
    index: dict[str, str] = {}
    for spec in FIELDS[kind]:
        for synonym in (spec.name, *spec.synonyms):
            index.setdefault(normalise_header(synonym), spec.name)
    return index


def guess_mapping(*, columns: list[str], kind: ImportKind) -> dict[str, str]:
    """{column: field name or ""}: a column is mapped when its header is a known synonym; each field once."""
    index = _synonym_index(ImportKind(kind))
    used: set[str] = set()
    mapping: dict[str, str] = {}
    for column in columns:
        field = index.get(normalise_header(column), "")
        if field in used:
            field = ""
        if field:
            used.add(field)
        mapping[column] = field
    return mapping


UNIT_HINTS = (
    ("bn", r"\b(bn|billions?|milliards?|mds?|mrd)\b|\bb[$€£]|[$€£]\s?b\b"),
    ("M", r"\b(m|mn|mio|millions?|m[$€£]|meur|musd|mgbp)\b|[$€£]\s?m\b"),
    ("k", r"\b(k|thousands?|milliers?|k[$€£]|keur|kusd|kgbp)\b|[$€£]\s?k\b"),
)
CURRENCY_HINTS = (("EUR", r"€|\b[mk]?eur\b|euros?"), ("USD", r"\$|\b[mk]?usd\b|dollars?"), ("GBP", r"£|\b[mk]?gbp\b"),
                  ("CHF", r"\bchf\b"))  # fmt: skip


def amount_hints(header: str) -> tuple[str, str]:
    """(unit, currency) a column header states, like "Revenue (M$)" or "CA k€"; "" for what it does not say."""
    text = str(header).casefold().replace("_", " ")
    unit = next((unit for unit, pattern in UNIT_HINTS if re.search(pattern, text)), "")
    currency = next((code for code, pattern in CURRENCY_HINTS if re.search(pattern, text)), "")
    return unit, currency
