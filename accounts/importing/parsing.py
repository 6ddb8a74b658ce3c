"""Turn columns of text into typed values, whole columns at a time; invalid cells are flagged, never raised."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import translation
from django_countries import countries

from accounts.models import Lifecycle

FLOAT_ID = re.compile(r"^(-?\d+)\.0+$")
CURRENCY = r"[\s\u00a0\u202f'’€$£¥]|EUR|USD|GBP|CHF"
PLAIN_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
# Names that people write but ISO does not list, or that Online Retail uses ("EIRE", "RSA").
COUNTRY_ALIASES = {
    "uk": "GB", "u k": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "angleterre": "GB", "ecosse": "GB", "grande bretagne": "GB", "royaume uni": "GB",
    "usa": "US", "u s a": "US", "u s": "US", "united states": "US", "america": "US", "etats unis": "US",
    "etats unis d amerique": "US", "eire": "IE", "rsa": "ZA", "holland": "NL", "hollande": "NL",
    "czech republic": "CZ", "republique tcheque": "CZ", "russia": "RU", "russie": "RU", "south korea": "KR",
    "korea": "KR", "coree du sud": "KR", "vietnam": "VN", "iran": "IR", "syria": "SY", "bolivia": "BO",
    "venezuela": "VE", "taiwan": "TW", "macedonia": "MK", "moldova": "MD", "tanzania": "TZ", "laos": "LA",
    "ivory coast": "CI", "cote d ivoire": "CI", "turkey": "TR", "turquie": "TR", "deutschland": "DE",
    "espana": "ES", "italia": "IT", "brasil": "BR", "nederland": "NL", "the netherlands": "NL", "schweiz": "CH",
    "osterreich": "AT", "polska": "PL", "belgie": "BE", "magyarorszag": "HU", "sverige": "SE", "norge": "NO",
    "danmark": "DK", "suomi": "FI", "united states of america": "US", "uae": "AE", "emirates": "AE",
}  # fmt: skip
# How close a misspelling must be to a known value to be suggested (difflib's ratio, 0 to 1).
SUGGESTION_CUTOFF = 0.8
LIFECYCLE_WORDS = {
    "prospect": Lifecycle.PROSPECT, "lead": Lifecycle.PROSPECT, "prospection": Lifecycle.PROSPECT,
    "customer": Lifecycle.CUSTOMER, "client": Lifecycle.CUSTOMER, "active": Lifecycle.CUSTOMER,
    "actif": Lifecycle.CUSTOMER, "former": Lifecycle.FORMER, "former customer": Lifecycle.FORMER,
    "ancien client": Lifecycle.FORMER, "lost": Lifecycle.FORMER, "perdu": Lifecycle.FORMER,
    "inactive": Lifecycle.FORMER, "inactif": Lifecycle.FORMER,
}  # fmt: skip


COMBINING_MARKS = r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
NAME_PUNCTUATION = r"[\W_]+"


def normalise_name(text: str) -> str:
    """The key two names share when they are the same company: no case, accents, punctuation or extra spaces.

    Legal suffixes stay: "Acme SA" and "Acme SAS" may well be two companies.
    """
    plain = re.sub(COMBINING_MARKS, "", unicodedata.normalize("NFKD", str(text))).casefold()
    return re.sub(NAME_PUNCTUATION, " ", plain).strip()


def normalise_names(values: pd.Series) -> pd.Series:
    """normalise_name over a whole column."""

    def normalise(names: pd.Series) -> pd.Series:
        plain = names.str.normalize("NFKD").str.replace(COMBINING_MARKS, "", regex=True).str.casefold()
        return plain.str.replace(NAME_PUNCTUATION, " ", regex=True).str.strip()

    return per_distinct_value(values.astype(str), normalise)


def normalise_ids(values: pd.Series) -> pd.Series:
    """Identifiers as text: "17850.0" (a number that went through a spreadsheet) becomes "17850"."""
    return per_distinct_value(values, lambda uniques: uniques.str.replace(FLOAT_ID, r"\1", regex=True))


def per_distinct_value(values: pd.Series, transform) -> pd.Series:
    """transform() applied to the distinct values only: ids and names repeat over thousands of lines."""
    uniques = pd.Series(values.unique(), dtype=str)
    if len(uniques) > len(values) // 2:
        return transform(values)
    return values.map(dict(zip(uniques, transform(uniques), strict=True)))


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(numbers, invalid): floats (NaN when empty), and which non-empty cells are not numbers.

    Accepts thousands separators, currency symbols, "(12.50)" for negatives and decimal commas
    ("1 234,56", "1.234,56"). A lone "1,234" is read as a thousand unless other cells of the
    column show that the comma is the decimal separator there.
    """
    text = values.astype(str).str.strip()
    empty = text == ""
    # The usual machine-written column has no separators to interpret: let pandas' C parser read it.
    fast = pd.to_numeric(text.where(~empty, None), errors="coerce").astype(float)
    if (empty | np.isfinite(fast)).all():
        return fast, empty & False
    bracketed = text.str.fullmatch(r"\(.*\)")
    clean = text.str.replace(r"^\((.*)\)$", r"\1", regex=True).str.replace(CURRENCY, "", regex=True)
    has_comma = clean.str.contains(",", regex=False)
    has_dot = clean.str.contains(".", regex=False)
    both = has_comma & has_dot
    comma_last = clean.str.rfind(",") > clean.str.rfind(".")
    comma_grouping = clean.str.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+")
    dot_grouping = clean.str.fullmatch(r"[+-]?\d{1,3}(?:\.\d{3})+")
    single_comma = clean.str.count(r",") == 1
    single_dot = clean.str.count(r"\.") == 1
    comma_evidence = (both & comma_last) | (has_comma & ~has_dot & ~comma_grouping)
    dot_evidence = (both & ~comma_last) | (has_dot & ~has_comma & ~dot_grouping)
    column_uses_comma = bool(comma_evidence.any()) and not bool(dot_evidence.any())

    comma_decimal = (both & comma_last) | (has_comma & ~has_dot & single_comma & (~comma_grouping | column_uses_comma))
    dot_grouping_here = has_dot & ~has_comma & dot_grouping & (~single_dot | column_uses_comma)
    as_comma = clean.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    as_dot = clean.str.replace(",", "", regex=False)
    as_dot = as_dot.where(~dot_grouping_here, as_dot.str.replace(".", "", regex=False))
    normalised = as_comma.where(comma_decimal, as_dot)
    valid = normalised.str.fullmatch(PLAIN_NUMBER) & ~empty
    numbers = pd.to_numeric(normalised.where(valid, None), errors="coerce").astype(float)
    valid &= np.isfinite(numbers)
    numbers = numbers.where(valid).where(~bracketed, -numbers)
    return numbers, ~empty & ~valid


def parse_percentages(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Fractions from "0.1", "0,1" or "10%"; (numbers, invalid) like parse_numbers."""
    percent = values.str.strip().str.endswith("%")
    numbers, invalid = parse_numbers(values.str.replace("%", "", regex=False))
    return numbers.where(~percent, numbers / 100), invalid


TIME_ZONE_SUFFIX = r"(?<=\d\d:\d\d)(:\d\d(?:\.\d+)?)?\s*(?:Z|UTC|[+-]\d\d:?\d\d)$"
DAY_MONTH_YEAR = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$"


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(dates, invalid): ISO dates and times, or day/month/year (month/day/year when the column shows it).

    A time zone is dropped, not converted: a sale's year is the one on the invoice.
    """
    text = values.astype(str).str.strip().str.replace(TIME_ZONE_SUFFIX, r"\1", regex=True)
    empty = text == ""
    dates = pd.to_datetime(text.where(~empty, None), format="ISO8601", errors="coerce").astype("datetime64[us]")
    if (dates.isna() & ~empty).any():
        _parse_day_month_year(text, dates)
    # Month names ("Dec 1, 2010") are rare and slow to read: only cells with letters and a year try them.
    wordy = dates.isna() & text.str.contains(r"[^\W\d_]{3}", regex=True) & text.str.contains(r"\d{4}", regex=True)
    if wordy.any():
        dates.loc[wordy] = pd.to_datetime(text[wordy], format="mixed", dayfirst=True, errors="coerce")
    dates = dates.where(dates.dt.year.between(1900, 2100))
    return dates, ~empty & dates.isna()


def _parse_day_month_year(text: pd.Series, dates: pd.Series) -> None:
    """Fill dates (in place) from the cells written 31/12/2024, 31.12.24 or 12/31/2024."""
    parts = text.str.extract(DAY_MONTH_YEAR)
    numeric = parts[0].notna() & dates.isna()
    if not numeric.any():
        return
    first = parts.loc[numeric, 0].astype(int)
    second = parts.loc[numeric, 1].astype(int)
    # Day first, as in Europe, unless some cell can only be month/day/year (12/31/2024).
    month_first = bool((second > 12).any()) and not bool((first > 12).any())
    year = parts.loc[numeric, 2].astype(int)
    year = year.where(year >= 100, year + np.where(year < 70, 2000, 1900))
    pieces = pd.DataFrame(
        {
            "year": year,
            "month": first if month_first else second,
            "day": second if month_first else first,
            "hour": parts.loc[numeric, 3].fillna("0").astype(int),
            "minute": parts.loc[numeric, 4].fillna("0").astype(int),
            "second": parts.loc[numeric, 5].fillna("0").astype(int),
        }
    )
    dates.loc[numeric] = pd.to_datetime(pieces, errors="coerce")


@lru_cache(maxsize=1)
def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for language in ("en", "fr"):
        with translation.override(language):
            for country in countries:
                index.setdefault(normalise_name(str(country.name)), country.code)
    for code in countries:
        index.setdefault(normalise_name(code.code), code.code)
        alpha3 = countries.alpha3(code.code)
        if alpha3:
            index.setdefault(normalise_name(alpha3), code.code)
    index.update(COUNTRY_ALIASES)
    return index


def parse_countries(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(ISO codes, '' when empty, invalid): from codes (FR, FRA) or English or French names."""
    index = _country_index()
    keys = normalise_names(values.astype(str))
    codes = keys.map(index).fillna("").astype(str)
    return codes, (keys != "") & (codes == "")


def country_index() -> dict[str, str]:
    """{normalised name, code or alias: ISO code}."""
    return _country_index()


def close_matches(values: pd.Series, index: dict[str, str]) -> dict[str, str]:
    """{cell: index value} for each distinct cell whose normalised text is close to one key of index.

    Any field whose cells name one of a known set of values (countries, lifecycles, users) can offer these.
    """
    keys = list(index)
    found: dict[str, str] = {}
    for value in values.unique():
        match = difflib.get_close_matches(normalise_name(value), keys, n=1, cutoff=SUGGESTION_CUTOFF)
        if match:
            found[value] = index[match[0]]
    return found


def sector_key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def normalise_sectors(values: pd.Series, known: list[str]) -> pd.Series:
    """Sectors trimmed, spaces collapsed, and spelt like a sector already used whatever the case.

    `known` lists the register's sectors, most used first: its spelling wins; a new sector keeps the file's
    first spelling, so "Retail" and "retail" in one file become one sector.
    """
    cleaned = values.astype(str).str.strip().str.replace(r"\s+", " ", regex=True)
    spelling: dict[str, str] = {}
    for text in [*known, *cleaned.unique()]:
        if text.strip():
            spelling.setdefault(sector_key(text), " ".join(text.split()))
    return cleaned.map(lambda text: spelling.get(sector_key(text), text))


def lifecycle_index() -> dict[str, str]:
    """{normalised word: Lifecycle value} from the values, their English and French labels and common words."""
    words = dict(LIFECYCLE_WORDS)
    for choice in Lifecycle:
        words[normalise_name(choice.value)] = choice.value
        for language in ("en", "fr"):
            with translation.override(language):
                words[normalise_name(str(choice.label))] = choice.value
    return words


def parse_lifecycles(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(Lifecycle values, '' when empty, invalid): from values or English/French labels."""
    words = lifecycle_index()
    keys = normalise_names(values.astype(str))
    found = keys.map(words).fillna("").astype(str)
    return found, (keys != "") & (found == "")


def parse_websites(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Addresses with a scheme ("acme.fr" becomes "https://acme.fr"), and which ones are not web addresses."""
    with_scheme = values.where(
        (values == "") | values.str.contains(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://", regex=True), "https://" + values
    )
    validate = URLValidator()

    def invalid(url: str) -> bool:
        if not url:
            return False
        try:
            validate(url)
        except ValidationError:
            return True
        return len(url) > 200

    bad = {url: invalid(url) for url in with_scheme.unique()}
    return with_scheme, with_scheme.map(bad).astype(bool)


def invalid_emails(values: pd.Series) -> pd.Series:
    """Which non-empty cells are not e-mail addresses."""

    def invalid(email: str) -> bool:
        if not email:
            return False
        try:
            validate_email(email)
        except ValidationError:
            return True
        return False

    bad = {email: invalid(email) for email in values.unique()}
    return values.map(bad).astype(bool)
