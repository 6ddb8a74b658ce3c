"""Every page, every field, every query parameter: hostile values get an answer, never a server error.

The test walks the root URLconf, fills each address with the objects of a small portfolio (and with
absurd ids), reads the forms each page renders and the parameters each view actually reads, then sends
every hostile value into each of them, once, as an administrator or a key account manager. Each
request runs in a savepoint that is rolled back, so a valid post (an approval, a deletion) leaves the
portfolio as it was for the next one. All failures are gathered into one message.
"""

from __future__ import annotations

import logging
import re
import time
import traceback
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone

from accounts.models import ImportBatch, ImportMapping, ProductLine
from accounts.tests.factories import ContactFactory
from health.models import Playbook, PlaybookAction, PlaybookFiring, Risk
from kam.models import Notification
from plans.models import Checkpoint, PlanPdf, Review
from portfolio.tests.builders import portfolio_build
from scoring.models import KeyOverride
from scoring.tests.factories import RatingFactory, three_criteria
from sharing.models import ActionProposal, PlanShare, ShareInvitation
from sharing.models import token_hash as share_token_hash
from surveys.models import ImprovementAction, Response
from surveys.tests.factories import answer, links_by_email, sent_campaign

pytestmark = pytest.mark.django_db

HOSTILE = [
    "²",
    "١٢٣",  # Arabic-Indic digits: str.isdigit() says yes, the database says no
    "9" * 40,
    "-1",
    "1e309",
    "NaN",
    "x" * 100_000,
    "\x00",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "[]",
    "{}",
    "",
    "0",
]
# Query parameters get the values that broke views before; posted fields get every one.
HOSTILE_PARAMETER = ["²", "١٢٣", "9" * 40, "x" * 100_000, "\x00", "-1"]
# Parameters many list pages read; the views' own forms add theirs.
COMMON_PARAMETERS = ["q", "page", "sort", "segment", "year", "month", "quarter", "id"]
HUGE_ID = "9" * 40  # ASCII digits: the int converter routes it to the view
# The admin's own machinery is Django's, not ours: its pages are read, never posted to, and the
# autocomplete/JS catalogue/password-reset internals are left out (they need their own query protocol).
ADMIN_SKIPPED = re.compile(r"^admin:(autocomplete|jsi18n|view_on_site|password_change|password_change_done|logout)$")


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)


class _FormParser(HTMLParser):
    """The forms of a page with the value each field would submit as rendered (first option of a select)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action") or self.page, method=(a.get("method") or "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "file":
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._form.fields.setdefault(name, [])
                return
            if kind in ("submit", "button", "image") and name in self._form.fields:
                return
            self._form.fields.setdefault(name, []).append(a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "button" and name not in self._form.fields:
            self._form.fields[name] = [a.get("value", "")]
        elif tag == "textarea":
            self._textarea = name
            self._form.fields[name] = [""]
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = name, None, False
            self._form.fields.setdefault(name, [])

    def _option(self, a: dict[str, str]) -> None:
        value = a.get("value", "")
        if self._select_first is None:
            self._select_first = value
        if "selected" in a and self._form is not None:
            self._form.fields[self._select].append(value)
            self._select_chosen = True

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first and self._form is not None:
                self._form.fields[self._select].append(self._select_first)
            self._select = None


class _RecordingQueryDict(QueryDict):
    """request.GET / request.POST that note every key a view or its forms look up."""

    seen: set[str]

    def __getitem__(self, key):
        self.seen.add(key)
        return super().__getitem__(key)

    def _getlist(self, key, *args, **kwargs):
        self.seen.add(key)
        return super()._getlist(key, *args, **kwargs)

    def __contains__(self, key) -> bool:
        self.seen.add(key)
        return super().__contains__(key)


READ_KEYS: set[str] = set()


def _recording_middleware(get_response):
    def middleware(request):
        for attribute in ("GET", "POST"):
            original = getattr(request, attribute)
            recording = _RecordingQueryDict(mutable=True)
            for key, values in original.lists():
                recording.setlist(key, values)
            recording._mutable = False
            recording.seen = READ_KEYS
            setattr(request, attribute, recording)
        return get_response(request)

    return middleware


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[tuple[str, str, dict]]:
    """(name, route with <converter:kwarg> parts, converters) for every pattern, recursively."""
    found = []
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        converters = getattr(entry.pattern, "converters", {})
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            for name, sub, subconv in _walk(entry, prefix + route, inner or ""):
                found.append((name, sub, {**converters, **subconv}))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name or route
            found.append((name, prefix + route, converters))
    return found


def _fill(route: str, values: dict[str, str]) -> str:
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: quote(str(values[m.group(1)]), safe=""), route)
    if path.startswith("^"):  # regex routes of the admin
        path = path.lstrip("^").rstrip("$")
        if re.search(r"[()\\\[\]?*+]", path):
            return ""
    return "/" + path


@pytest.fixture
def built(admin_user, manager, sponsor):
    """A portfolio with one of everything a page can be about, owned by `manager`."""
    parts = portfolio_build(manager=manager, sponsor=sponsor)
    alpha = parts["accounts"][0]
    plan = parts["plan"]
    contact = ContactFactory(account=alpha, name="Dora Decider", email="dora@alpha.test", buying_role="decision_maker")
    ContactFactory(account=alpha, name="Ugo Usager", email="ugo@alpha.test", reports_to=contact)
    campaign = sent_campaign(by=manager, accounts=[alpha], name="Hostile survey")
    token = links_by_email()["ugo@alpha.test"]
    answer(links_by_email()["dora@alpha.test"], nps=4, rating=5, text="fine")
    response = Response.objects.get()
    survey_action = ImprovementAction.objects.create(
        account=alpha, response=response, title="Call back", owner=manager, department="Sales",
        due_on=timezone.localdate(),
    )  # fmt: skip
    review = Review.objects.create(account=alpha, review_type="business", plan=plan, created_by=manager)
    review_action = plan.actions.first()
    review_action.review = review
    review_action.save(update_fields=["review"])
    override = KeyOverride.objects.create(
        account=parts["accounts"][2], decision="include", reason="Strategic", proposed_by=manager,
        expires_on=timezone.localdate() + timedelta(days=90),
    )  # fmt: skip
    batch = ImportBatch.objects.create(
        created_by=manager, kind="accounts", filename="a.csv", data=b"name,country\nHostile Ltd,FR\n"
    )
    mapping = ImportMapping.objects.create(
        name="CRM", kind="accounts", header_signature="0" * 64, columns=["name"], mapping={"name": "name"},
        created_by=manager,
    )  # fmt: skip
    pdf = PlanPdf.objects.create(plan=plan, requested_by=manager, language="en")
    Notification.objects.create(user=manager, kind="info", message="Hello", dedupe_key="hostile")
    Notification.objects.create(user=admin_user, kind="info", message="Hello", dedupe_key="hostile")
    objective = plan.objectives.first()
    checkpoint = Checkpoint.objects.filter(objective=objective).first()
    fit = three_criteria()[-1]
    RatingFactory(account=alpha, criterion=fit, value=7, rated_by=manager)
    risk = Risk.objects.create(account=alpha, title="Competitor", category="competitor", likelihood=3, impact=3,
                               owner=manager)  # fmt: skip
    firing = PlaybookFiring.objects.create(playbook=Playbook.objects.first(), account=alpha, key="k", reason="r")
    playbook_action = PlaybookAction.objects.create(
        firing=firing, account=alpha, title="Call", owner=manager, due_on=timezone.localdate()
    )
    share = PlanShare.objects.create(plan=plan, sections=["business"])
    share.objectives.add(objective)
    share.actions.add(parts["action"])
    share.customer_actions.add(parts["action"])
    share_token = "hostile-share-token-0123456789abcdefghijklmnop"
    invitation = ShareInvitation.objects.create(
        share=share, contact=contact, token_hash=share_token_hash(share_token), sent_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip
    proposal = ActionProposal.objects.create(share=share, contact=contact, title="Proposed")
    by_name = {
        "sharing:resend": {"pk": invitation.pk},
        "sharing:revoke": {"pk": invitation.pk},
        "sharing:decide": {"pk": proposal.pk},
        **{f"sharing_public:{n}": {"token": share_token} for n in ("plan", "code", "comment", "done", "propose")},
        "plans:review_detail": {"pk": review.pk},
        "plans:review_edit": {"pk": review.pk},
        "plans:review_action_status": {"pk": review.pk, "action_pk": review_action.pk},
        "plans:version": {"pk": plan.pk, "number": 1},
        "plans:add_form": {"pk": plan.pk, "kind": "action"},  # the plan page's add-form, on its own page
        "plans:pdf_status": {"pk": plan.pk, "pdf_pk": pdf.pk},
        "plans:pdf_download": {"pk": plan.pk, "pdf_pk": pdf.pk},
        "scoring:run_detail": {"pk": parts["run"].pk},
        "worklist_plan_approve": {"pk": parts["submitted"].pk},
        "scoring:override_decide": {"pk": override.pk},
        "scoring:override_withdraw": {"pk": override.pk},
        "surveys:action_status": {"pk": survey_action.pk},
        "surveys:detail": {"pk": campaign.pk},
        "surveys:send": {"pk": campaign.pk},
        "surveys:account_results": {"pk": campaign.pk, "account_pk": alpha.pk},
        "accounts:import_map": {"pk": batch.pk},
        "accounts:import_preview": {"pk": batch.pk},
        "accounts:import_result": {"pk": batch.pk},
        "accounts:import_accept_suggestions": {"pk": batch.pk},
        "accounts:import_mapping_edit": {"pk": mapping.pk},
        "accounts:import_mapping_delete": {"pk": mapping.pk},
        "accounts:export": {"fmt": "csv"},
        "health:risk_edit": {"pk": risk.pk},
        "health:action_done": {"pk": playbook_action.pk},
        "accounts:card": {"pk": alpha.pk, "key": "reviews"},
        "surveys_public:answer": {"token": token},
        "surveys_public:opt_out": {"token": token},
    }
    by_kwarg = {
        "pk": alpha.pk,
        "account_pk": alpha.pk,
        "contact_pk": contact.pk,
        "objective_pk": objective.pk,
        "checkpoint_pk": checkpoint.pk,
        "action_pk": parts["action"].pk,
        "response_pk": response.pk,
        "row_pk": alpha.pk,  # a whitespace map's cell: the account's own row
        "line_pk": ProductLine.objects.get_or_create(name="Hostile line")[0].pk,
        "number": 1,
        "reference": alpha.reference or "ALPHA-1",  # the API's upsert by reference
    }
    plan_routes = {"plans:" + n for n in ("detail", "edit", "submit", "approve", "send_back", "revise", "next")}
    plan_routes |= {"plans:" + n for n in ("comment", "objective_add", "objective_delete", "checkpoint_add")}
    plan_routes |= {"plans:" + n for n in ("checkpoint_actual", "action_add", "action_status", "resource_add")}
    plan_routes |= {"plans:service_add", "plans:pdf", "sharing:manage", "sharing:invite"}
    for name in plan_routes:
        by_name.setdefault(name, {"pk": plan.pk})
    return {"by_name": by_name, "by_kwarg": by_kwarg, "plan": plan, "alpha": alpha, "campaign": campaign}


@dataclass
class Fuzzer:
    clients: dict[str, Client]
    users: dict[str, object]
    failures: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    ok_pages: set[str] = field(default_factory=set)
    requests: int = 0
    summary: str = ""

    def send(self, who: str, method: str, url: str, data: dict, note: str) -> tuple[int, str]:
        client = self.clients[who]
        session = client.cookies.get(settings.SESSION_COOKIE_NAME)
        if self.users[who] is not None and (session is None or not session.value):
            client.force_login(self.users[who])  # a posted sign-out or password change must not end the run
        self.requests += 1
        READ_KEYS.clear()
        try:
            with transaction.atomic():
                response = getattr(client, method)(url, data)
                # A streamed export fails while it streams: read it whole, as a browser would.
                content = b"".join(response.streaming_content) if response.streaming else response.content
                body = content.decode(errors="replace") if response.status_code == 200 else ""
                transaction.set_rollback(True)
        except Exception as error:  # the view crashed: the test client re-raises what a user would see as a 500
            summary = " | ".join(traceback.format_exception(error)[-3:]).replace("\n", " ")[-600:]
            self.failures.append(f"{method.upper()} {url[:200]} as {who} {note}: {summary}")
            print(self.failures[-1])  # seen at once with -s, while the walk goes on
            self.statuses[500] = self.statuses.get(500, 0) + 1
            return 500, ""
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        # /readyz answers 503 by design while no worker or beat has been seen (a load balancer's "not yet").
        designed_not_ready = response.status_code == 503 and urlsplit(url).path in NOT_READY_PATHS
        if response.status_code >= 500 and not designed_not_ready:
            self.failures.append(f"{method.upper()} {url[:200]} as {who} {note}: status {response.status_code}")
        elif response.status_code == 200 and method == "get":
            self.ok_pages.add(url)
        return response.status_code, body


NOT_READY_PATHS = ("/readyz",)


def _short(value: str) -> str:
    return repr(value if len(value) < 20 else value[:8] + f"…({len(value)})")


def _same_form(name: str) -> str:
    """Formset rows repeat the same field: `form-3-title` is fuzzed once, as `form-0-title`."""
    return re.sub(r"-\d+-", "-0-", name)


def test_no_hostile_value_in_any_field_or_parameter_gives_a_server_error(built, admin_user, manager, settings):
    settings.MIDDLEWARE = [f"{__name__}._recording_middleware", *settings.MIDDLEWARE]
    users = {"admin": admin_user, "manager": manager, "anonymous": None}
    clients = {who: Client() for who in users}
    for who, client in clients.items():
        if users[who] is not None:
            client.force_login(users[who])
    fuzz = Fuzzer(clients=clients, users=users)
    started = time.monotonic()
    logging.disable(logging.CRITICAL)  # thousands of expected 403/404 warnings would cost more than the requests
    try:
        _walk_and_fuzz(fuzz, built)
    finally:
        logging.disable(logging.NOTSET)
    elapsed = time.monotonic() - started
    print(f"\nhostile input: {fuzz.summary} in {elapsed:.0f} s; statuses {dict(sorted(fuzz.statuses.items()))}")
    # The walk reached the pages about the portfolio's own objects, not only error pages.
    alpha, plan, campaign = built["alpha"], built["plan"], built["campaign"]
    for page in (f"/accounts/{alpha.pk}/", f"/plans/{plan.pk}/", f"/surveys/{campaign.pk}/", "/scoring/ratings/"):
        assert page in fuzz.ok_pages, f"{page} was never served"
    assert len(fuzz.ok_pages) > 50 and fuzz.requests > 2000
    assert not fuzz.failures, f"{len(fuzz.failures)} server errors:\n" + "\n".join(fuzz.failures)


def _walk_and_fuzz(fuzz: Fuzzer, built: dict) -> None:

    routes, unfilled = [], []
    for name, route, converters in _walk(get_resolver()):
        if name.startswith("admin:") and ADMIN_SKIPPED.match(name):
            continue
        kwargs = re.findall(r"<(?:\w+:)?(\w+)>", route)
        real = {k: built["by_name"].get(name, {}).get(k, built["by_kwarg"].get(k)) for k in kwargs}
        if name.startswith("admin:") and kwargs:
            # The admin's object pages: read with an absurd id only; their forms are Django's.
            real = {k: HUGE_ID for k in kwargs}
        unfilled += [f"{name}:{k}" for k, v in real.items() if v is None]
        path = _fill(route, real)
        if path:
            routes.append((name, route, path, kwargs, converters))
    assert len(routes) > 60, "the URLconf walk found too few addresses"
    assert not unfilled, f"no fixture object for {unfilled}"

    # 1. Every address, as each user: the page and its forms. Absurd ids in every segment too.
    forms: dict[tuple[str, tuple[str, ...]], tuple[str, Form]] = {}
    get_targets: list[tuple[str, str]] = []
    for name, route, path, kwargs, converters in routes:
        is_admin = name.startswith("admin:")
        for who in ("admin",) if is_admin else ("admin", "manager", "anonymous"):
            status, body = fuzz.send(who, "get", path, {}, "plain")
            if status == 200 and not is_admin:
                parser = _FormParser(path)
                parser.feed(body)
                for form in parser.forms:
                    action = urlsplit(form.action).path or path
                    try:
                        resolve(action)
                    except Resolver404:
                        continue
                    if form.method == "post":
                        forms.setdefault((action, tuple(sorted(form.fields))), (who, form))
            if status == 200:
                get_targets.append((who, path))
        if not kwargs or is_admin:
            continue
        only_text = all(converters[k].regex == "[^/]+" for k in kwargs)
        for bad in HOSTILE if only_text else (HUGE_ID, "0"):
            absurd = _fill(route, {k: bad for k in kwargs})
            for method in ("get", "post"):
                fuzz.send("manager", method, absurd, {}, f"path segments {kwargs}={_short(bad)}")
    assert fuzz.requests > 150

    # 2. Query parameters: the ones each view reads (recorded), plus the common ones and its GET forms' fields.
    seen_targets = set()
    for who, path in get_targets:
        if path in seen_targets:
            continue
        seen_targets.add(path)
        if path.startswith("/admin/"):
            # The admin reads its parameters all at once (search, ordering, page): one request per value.
            for value in ("²", "x" * 100_000, "\x00"):
                fuzz.send(who, "get", path, dict.fromkeys(("q", "o", "p"), value), f"q, o, p={_short(value)}")
            continue
        fuzz.send(who, "get", path, dict.fromkeys(COMMON_PARAMETERS, "²"), "discovery")
        for name in sorted(READ_KEYS):
            for value in HOSTILE_PARAMETER:
                fuzz.send(who, "get", path, {name: value}, f"param {name}={_short(value)}")

    # 3. Posted forms: every field set to every hostile value, the others as rendered.
    fuzzed: set[tuple[str, str]] = set()
    names_seen: set[str] = set()
    for (action, _names), (who, form) in forms.items():
        baseline = {k: v for k, v in form.fields.items() if v}
        fuzz.send(who, "post", action, baseline, "as rendered")
        names = set(form.fields) | {k for k in READ_KEYS if k != "csrfmiddlewaretoken"}
        for name in sorted(names):
            key = (resolve(action).view_name, _same_form(name))
            if key in fuzzed or name == "csrfmiddlewaretoken":
                continue
            fuzzed.add(key)
            # A name already fuzzed on another form (title, due_on…) gets the values that broke views before.
            values = HOSTILE_PARAMETER if _same_form(name) in names_seen else HOSTILE
            names_seen.add(_same_form(name))
            for value in values:
                fuzz.send(who, "post", action, {**baseline, name: value}, f"field {name}={_short(value)}")
    # Addresses that neither render a page nor receive a form of one: the common names, each hostile value.
    posted = {action for action, _names in forms}
    for name, _route, path, _kwargs, _conv in routes:
        if path in posted or path in fuzz.ok_pages or name.startswith("admin:"):
            continue
        for value in HOSTILE:
            fuzz.send("manager", "post", path, {p: value for p in COMMON_PARAMETERS}, f"common fields={_short(value)}")

    fuzz.summary = f"{len(routes)} addresses, {len(forms)} forms, {len(fuzzed)} fields, {fuzz.requests} requests"
    assert len(forms) > 20
