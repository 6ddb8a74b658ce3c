"""The customer's page: the link, the one-time code, what it shows, what the contact may do, and abuse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from kam.models import Notification
from plans.models import Action, ActionStatus, PlanStatus
from sharing.models import ActionProposal, EventKind, ShareEvent, ShareInvitation
from sharing.services import invitation_resend, invitation_revoke
from sharing.tests.factories import invite, last_code, last_token, shared_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(manager):
    return shared_plan(manager=manager)


@pytest.fixture
def alice_link(shared, manager):
    return invite(shared, shared.alice, by=manager)


def _admit(client: Client, token: str, email: str) -> None:
    """Open the link in a new browser and give the e-mailed code."""
    page = client.get(f"/p/{token}/")
    assert page.status_code == 200
    response = client.post(f"/p/{token}/", {"code": last_code(email)})
    assert response.status_code == 302


def test_invitation_mails_a_personal_link_whose_token_is_not_stored(shared, alice_link):
    invitation, token = alice_link
    assert len(token) >= 43  # 32 random bytes, base64
    invitation.refresh_from_db()
    assert token not in invitation.token_hash
    assert invitation.sent_at is not None
    assert not ShareInvitation.objects.filter(token_hash=token).exists()


def test_a_new_browser_must_give_the_emailed_code_before_seeing_the_plan(client, shared, alice_link):
    _invitation, token = alice_link
    page = client.get(f"/p/{token}/")
    html = page.content.decode()
    assert "Mutual plan 2027" not in html
    assert 'autocomplete="one-time-code"' in html
    assert "a•••@customer.test" in html
    _admit(client, token, "alice@customer.test")
    html = client.get(f"/p/{token}/").content.decode()
    assert "Mutual plan 2027" in html
    assert "Grow the joint revenue" in html and "Send the forecast" in html


def test_the_page_is_in_the_contacts_language_with_our_organisation_name(client, shared, alice_link, settings):
    settings.KAM_ORGANISATION_NAME = "Fournisseur SA"
    _invitation, token = alice_link
    _admit(client, token, "alice@customer.test")
    response = client.get(f"/p/{token}/")
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Fournisseur SA" in html
    assert "Objectifs" in html


def test_opening_is_recorded_and_the_manager_notified_once(client, shared, alice_link, manager):
    invitation, token = alice_link
    _admit(client, token, "alice@customer.test")
    client.get(f"/p/{token}/")
    client.get(f"/p/{token}/")
    invitation.refresh_from_db()
    assert invitation.open_count == 2 and invitation.first_opened_at and invitation.last_opened_at
    assert ShareEvent.objects.filter(kind=EventKind.OPENED, contact=shared.alice).count() == 1
    assert Notification.objects.filter(user=manager, kind="sharing").count() == 1


def test_the_contact_comments_marks_their_action_done_and_proposes_one(client, shared, alice_link, manager):
    _invitation, token = alice_link
    _admit(client, token, "alice@customer.test")
    client.post(f"/p/{token}/comment/", {"text": "Looks good", "about": f"objective-{shared.objective.pk}"})
    client.post(f"/p/{token}/done/", {"action": shared.theirs.pk})
    client.post(f"/p/{token}/propose/", {"title": "Visit our plant", "due_on": "2027-09-30"})

    comment = ShareEvent.objects.get(kind=EventKind.COMMENTED)
    assert (comment.contact, comment.objective, comment.text) == (shared.alice, shared.objective, "Looks good")
    shared.theirs.refresh_from_db()
    assert shared.theirs.status == ActionStatus.DONE
    proposal = ActionProposal.objects.get()
    assert (proposal.title, proposal.contact, str(proposal.due_on)) == ("Visit our plant", shared.alice, "2027-09-30")
    assert Notification.objects.filter(user=manager, kind="sharing").count() == 3  # comment, done, proposal
    html = client.get(f"/p/{token}/").content.decode()
    assert "Looks good" in html and "Visit our plant" in html


def test_the_contact_cannot_mark_our_actions_or_unshared_ones_done(client, shared, alice_link):
    _invitation, token = alice_link
    _admit(client, token, "alice@customer.test")
    for action in (shared.ours, shared.hidden_action):
        client.post(f"/p/{token}/done/", {"action": action.pk})
        action.refresh_from_db()
        assert action.status == ActionStatus.TODO


def test_a_comment_about_an_unshared_object_is_kept_about_the_plan(client, shared, alice_link):
    _invitation, token = alice_link
    _admit(client, token, "alice@customer.test")
    client.post(f"/p/{token}/comment/", {"text": "Hm", "about": f"objective-{shared.hidden_objective.pk}"})
    assert ShareEvent.objects.get(kind=EventKind.COMMENTED).objective is None


def test_writes_without_an_admitted_browser_are_refused(shared, alice_link):
    _invitation, token = alice_link
    stranger = Client()
    stranger.post(f"/p/{token}/comment/", {"text": "x"})
    stranger.post(f"/p/{token}/done/", {"action": shared.theirs.pk})
    stranger.post(f"/p/{token}/propose/", {"title": "x"})
    assert not ShareEvent.objects.filter(kind__in=[EventKind.COMMENTED, EventKind.ACTION_DONE]).exists()
    assert not ActionProposal.objects.exists()


# --- Abuse ------------------------------------------------------------------------------------------------


def _neutral(response) -> str:
    assert response.status_code == 404
    return response.content.decode()


def test_unknown_revoked_and_expired_links_get_the_same_neutral_page(client, shared, alice_link, manager):
    invitation, token = alice_link
    unknown = _neutral(client.get("/p/" + "A" * 43 + "/"))
    _bob, bob_token = invite(shared, shared.bob, by=manager)

    invitation_revoke(invitation=invitation, by=manager)
    revoked = _neutral(client.get(f"/p/{token}/"))
    ShareInvitation.objects.filter(contact=shared.bob).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = _neutral(client.get(f"/p/{bob_token}/"))
    strip = lambda html: html.replace(f"/p/{token}/", "").replace(f"/p/{bob_token}/", "")  # noqa: E731
    assert strip(unknown) == strip(revoked) == strip(expired)


def test_an_admitted_browser_loses_access_when_the_link_is_revoked(client, shared, alice_link, manager):
    invitation, token = alice_link
    _admit(client, token, "alice@customer.test")
    invitation_revoke(invitation=invitation, by=manager)
    _neutral(client.get(f"/p/{token}/"))
    client.post(f"/p/{token}/comment/", {"text": "after revocation"})
    assert not ShareEvent.objects.filter(kind=EventKind.COMMENTED).exists()


def test_a_resent_link_replaces_the_old_one_and_asks_admitted_browsers_again(client, shared, alice_link, manager):
    invitation, token = alice_link
    _admit(client, token, "alice@customer.test")
    invitation_resend(invitation=invitation, by=manager)
    new_token = last_token("alice@customer.test")
    assert new_token != token
    _neutral(client.get(f"/p/{token}/"))
    page = client.get(f"/p/{new_token}/").content.decode()
    assert "Mutual plan 2027" not in page  # a new code first


def test_a_link_shows_only_its_own_plan(client, shared, alice_link, manager):
    other = shared_plan(manager=manager)
    _inv, other_token = invite(other, other.alice, by=manager)
    _invitation, token = alice_link
    _admit(client, token, "alice@customer.test")
    # Alice's browser cookie is for her invitation; the other plan's link still asks for its own code.
    page = client.get(f"/p/{other_token}/").content.decode()
    assert "one-time-code" in page
    # Her actions posted through her link cannot reach the other plan's objects.
    client.post(f"/p/{token}/done/", {"action": other.theirs.pk})
    other.theirs.refresh_from_db()
    assert other.theirs.status == ActionStatus.TODO


def test_a_link_stops_working_when_the_plan_closes_or_the_contact_leaves(client, shared, alice_link, manager):
    _invitation, token = alice_link
    shared.alice.is_active = False
    shared.alice.save()
    _neutral(client.get(f"/p/{token}/"))
    shared.alice.is_active = True
    shared.alice.save()
    shared.plan.status = PlanStatus.CLOSED
    shared.plan.save()
    _neutral(client.get(f"/p/{token}/"))


def test_guessed_tokens_find_nothing(client, shared, alice_link):
    _invitation, token = alice_link
    for guess in (token[:-1], token[:-1] + ("A" if token[-1] != "A" else "B"), token.upper(), "x" * 200, "%00"):
        _neutral(client.get(f"/p/{guess}/"))


def test_the_code_allows_five_tries_then_a_new_code_is_needed(client, shared, alice_link, settings):
    _invitation, token = alice_link
    client.get(f"/p/{token}/")
    right = last_code("alice@customer.test")
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _ in range(settings.KAM_SHARE_CODE_MAX_TRIES):
        response = client.post(f"/p/{token}/", {"code": wrong})
        assert response.status_code == 200
    response = client.post(f"/p/{token}/", {"code": right})
    assert response.status_code == 200  # the right code is refused once the tries are spent
    assert "Mutual plan 2027" not in client.get(f"/p/{token}/").content.decode()


def test_a_code_works_once_and_expires(client, shared, alice_link):
    invitation, token = alice_link
    client.get(f"/p/{token}/")
    code = last_code("alice@customer.test")
    ShareInvitation.objects.filter(pk=invitation.pk).update(code_expires_at=timezone.now() - timedelta(seconds=1))
    assert client.post(f"/p/{token}/", {"code": code}).status_code == 200
    other = Client()
    ShareInvitation.objects.filter(pk=invitation.pk).update(code_expires_at=timezone.now() - timedelta(hours=1))
    other.get(f"/p/{token}/")
    fresh = last_code("alice@customer.test")
    assert other.post(f"/p/{token}/", {"code": fresh}).status_code == 302
    third = Client()
    assert third.post(f"/p/{token}/", {"code": fresh}).status_code == 200  # used up


def test_codes_are_not_sent_more_than_once_a_minute_nor_five_times_a_day(client, shared, alice_link):
    invitation, token = alice_link
    mail.outbox.clear()
    for _ in range(3):
        client.get(f"/p/{token}/")
        client.post(f"/p/{token}/code/")
    assert len(mail.outbox) == 1
    for _ in range(10):
        ShareInvitation.objects.filter(pk=invitation.pk).update(code_expires_at=timezone.now())
        client.post(f"/p/{token}/code/")
    assert len(mail.outbox) == 5


def test_a_link_is_rate_limited(client, shared, alice_link, settings):
    settings.KAM_SHARE_REQUESTS_PER_MINUTE = 5
    _invitation, token = alice_link
    statuses = [client.get(f"/p/{token}/").status_code for _ in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]


def test_a_forged_browser_cookie_is_not_accepted(client, shared, alice_link):
    invitation, token = alice_link
    client.cookies[f"kam_share_{invitation.pk}"] = "forged:value"
    assert "Mutual plan 2027" not in client.get(f"/p/{token}/").content.decode()


def test_the_page_is_never_cached_and_loads_nothing_from_elsewhere(client, shared, alice_link):
    _invitation, token = alice_link
    _admit(client, token, "alice@customer.test")
    response = client.get(f"/p/{token}/")
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    for attribute in ("src=", "href="):
        for part in html.split(attribute)[1:]:
            url = part[1:].split(part[0], 1)[0]
            assert not url.startswith(("http:", "https:", "//")), url


def test_accepting_a_proposal_adds_a_shared_action_on_the_customers_side(client, shared, alice_link, manager):
    _invitation, token = alice_link
    _admit(client, token, "alice@customer.test")
    client.post(f"/p/{token}/propose/", {"title": "Visit our plant"})
    proposal = ActionProposal.objects.get()
    client.force_login(manager)
    response = client.post(f"/sharing/proposals/{proposal.pk}/decide/", {"decision": "accept", "side": "customer"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.decided_by == manager
    action = Action.objects.get(title="Visit our plant", plan=shared.plan)
    assert shared.share.customer_actions.filter(pk=action.pk).exists()
    assert "Visit our plant" in client.get(f"/p/{token}/").content.decode()


def test_reloading_the_page_keeps_the_code_being_typed(client, shared, alice_link):
    invitation, token = alice_link
    client.get(f"/p/{token}/")
    code = last_code("alice@customer.test")
    # Five minutes later, still valid: a reload sends nothing and the code still works.
    ShareInvitation.objects.filter(pk=invitation.pk).update(code_expires_at=timezone.now() + timedelta(minutes=10))
    mail.outbox.clear()
    client.get(f"/p/{token}/")
    assert mail.outbox == []
    assert client.post(f"/p/{token}/", {"code": code}).status_code == 302
