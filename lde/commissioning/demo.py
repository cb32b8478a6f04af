"""The commissioning demo: Harrowfield's calls for proposals in every state.

- "Youth resilience fund 2027": a draft in consultation with the partnership's community
  reviewers, one comment from the faith forum;
- "Community voices small grants": open for bids, with a draft and a submitted bid;
- "Safer spaces fund": closed, with a panel of two board members, one of whom (Margaret Lowe)
  declared an interest in the Riverside bid and is recused from it; the other has scored, and
  the panel's scores disagree on one criterion;
- "Schools and families fund 2026": decided, one bid awarded (in the public register and the
  360Giving feed) and one declined;
- a draft call, Kestlebury and Harrowfield together (a joint call across two partnerships, ¶49).

The applicants are two invented organisations, Riverside Youth Project and Northgate Faith
Centre, each with an applicant (bids@… with the demo password). Everything is written through
the audited services; running it again finds the calls it made and makes nothing twice.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction

from lde.accounts.models import Organisation, Post, PostHolding, PostKind, User
from lde.commissioning import services
from lde.commissioning.models import Applicant, Call
from lde.core.access.facts import today
from lde.partnerships.models import Membership, Partnership, Role

DOMAIN = "demo.invalid"


def _applicant(email: str, name: str, organisation: Organisation) -> User:
    from lde.partnerships.demo import DEMO_PASSWORD

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, DEMO_PASSWORD, full_name=name, organisation=organisation
        )
        Applicant.objects.create(user=user, organisation=organisation)
    return user


def _call(coordinator: User, partnership: Partnership, title: str, **fields: Any) -> Call:
    call = services.call_create(
        actor=coordinator,
        partnership=partnership,
        title=title,
        purpose=fields.pop(
            "purpose",
            "Work with young people and families that builds resilience to extremist "
            "messages, run by organisations the community trusts (¶50, ¶53).",
        ),
        eligibility="Community, voluntary and faith organisations working in the area.",
        **fields,
    )
    services.criterion_add(
        actor=coordinator, call=call, title="Answers a priority of the local narrative", weight=40
    )
    services.criterion_add(actor=coordinator, call=call, title="Reach and trust", weight=35)
    services.criterion_add(actor=coordinator, call=call, title="Value for money", weight=25)
    return Call.objects.get(pk=call.pk)


def _bid(user: User, call: Call, title: str, summary: str, amount: str, *, submit: bool) -> Any:
    bid = services.bid_create(actor=user, call=call, title=title, summary=summary, amount=amount)
    if submit:
        bid = services.bid_submit(actor=user, bid=bid)
    return bid


@transaction.atomic
def demo_build() -> None:
    partnership = Partnership.objects.filter(name="Harrowfield Prevent Partnership").first()
    if partnership is None or Call.objects.filter(partnership=partnership).exists():
        return
    coordinator = User.objects.filter(email=f"coordinator@harrowfield.{DOMAIN}").first()
    board = User.objects.filter(email=f"board@harrowfield.{DOMAIN}").first()
    chief = User.objects.filter(email=f"chief.executive@harrowfield.{DOMAIN}").first()
    if coordinator is None or board is None or chief is None:
        return
    day = today()
    council = partnership.lead_council
    if not council.org_id and council.gss_code:
        council.org_id = f"GB-GSS-{council.gss_code}"
        council.save(update_fields=["org_id", "updated_at"])
    riverside, _ = Organisation.objects.get_or_create(
        name="Riverside Youth Project",
        defaults={"type": "voluntary", "org_id": "GB-CHC-1190001"},
    )
    northgate, _ = Organisation.objects.get_or_create(
        name="Northgate Faith Centre", defaults={"type": "faith", "org_id": "360G-preventlde-ngfc"}
    )
    river = _applicant(f"bids@riverside-youth.{DOMAIN}", "Jo Okafor", riverside)
    north = _applicant(f"bids@northgate-faith.{DOMAIN}", "Sam Iqbal", northgate)

    # In consultation with the community reviewers, one comment in.
    consulted = _call(
        coordinator,
        partnership,
        "Youth resilience fund 2027",
        maximum_amount="15000",
        opens_on=day + timedelta(days=30),
        closes_on=day + timedelta(days=75),
    )
    consulted = services.call_consult(actor=coordinator, call=consulted)
    reviewer = (
        Membership.objects.filter(partnership=partnership, role=Role.COMMUNITY_REVIEWER)
        .select_related("user")
        .first()
    )
    if reviewer is not None:
        services.comment_add(
            actor=reviewer.user,
            call=consulted,
            text="The forum welcomes the fund; please allow bids for work with parents too, and "
            "give small groups more than four weeks to bid.",
        )

    # Open, with bids.
    open_call = _call(
        coordinator,
        partnership,
        "Community voices small grants",
        maximum_amount="5000",
        opens_on=day - timedelta(days=14),
        closes_on=day + timedelta(days=21),
    )
    open_call = services.call_publish(actor=coordinator, call=open_call)
    services.panel_name(actor=coordinator, call=open_call, user=board)
    _bid(
        north,
        open_call,
        "Open evenings at the centre",
        "Monthly open evenings where neighbours of every faith and none meet, with a facilitated "
        "discussion of local concerns.",
        "2400",
        submit=True,
    )
    _bid(
        river,
        open_call,
        "Peer mentors",
        "Training older young people as peer mentors for the under-14s.",
        "4800",
        submit=False,
    )

    # Closed, being assessed: a conflicted panellist, disagreement on one criterion.
    closed = _call(
        coordinator,
        partnership,
        "Safer spaces fund",
        maximum_amount="8000",
        opens_on=day - timedelta(days=60),
        closes_on=day - timedelta(days=5),
        disagreement_threshold=1,
    )
    closed = services.call_publish(actor=coordinator, call=closed)
    river_bid = _bid(
        river,
        closed,
        "Detached youth work on the Riverside estate",
        "Two youth workers on the estate three evenings a week, with a safe space in the "
        "community centre.",
        "7500",
        submit=True,
    )
    north_bid = _bid(
        north,
        closed,
        "Online safety for families",
        "Six workshops for parents on how extremist groups use social media, with the school.",
        "3200",
        submit=True,
    )
    closed = services.call_close(actor=coordinator, call=closed)
    services.panel_name(actor=coordinator, call=closed, user=board)
    services.panel_name(actor=coordinator, call=closed, user=chief)
    services.interests_declare(actor=board, call=closed)
    services.interests_declare(
        actor=chief,
        call=closed,
        conflicts=[(river_bid, "A trustee of Riverside Youth Project.")],
    )
    criteria = list(closed.criteria.all())
    for criterion, mine, theirs in zip(criteria, (4, 3, 4), (1, 3, 4), strict=True):
        services.score_record(
            actor=board,
            bid=north_bid,
            criterion=criterion,
            score=mine,
            reason="Well evidenced in the bid.",
        )
        services.score_record(
            actor=chief,
            bid=north_bid,
            criterion=criterion,
            score=theirs,
            reason="Less convinced: little on how parents will be reached.",
        )
    for criterion, score in zip(criteria, (5, 4, 3), strict=True):
        services.score_record(
            actor=board, bid=river_bid, criterion=criterion, score=score, reason="Strong fit."
        )

    # Decided: one award in the register, one decline.
    decided = _call(
        coordinator,
        partnership,
        "Schools and families fund 2026",
        maximum_amount="10000",
        opens_on=day - timedelta(days=150),
        closes_on=day - timedelta(days=100),
    )
    decided = services.call_publish(actor=coordinator, call=decided)
    awarded = _bid(
        river,
        decided,
        "Holiday programme with the schools",
        "A summer holiday programme of sport and discussion, run with two secondary schools.",
        "9500",
        submit=True,
    )
    declined = _bid(
        north,
        decided,
        "Lecture series",
        "Four public lectures on the history of the area's communities.",
        "6000",
        submit=True,
    )
    decided = services.call_close(actor=coordinator, call=decided)
    services.bid_decide(
        actor=coordinator,
        bid=awarded,
        outcome="award",
        amount="9000",
        reasons="Answers the narrative's first priority (young people in the two wards), with "
        "the schools as partners; the panel trimmed the equipment line.",
    )
    services.bid_decide(
        actor=coordinator,
        bid=declined,
        outcome="decline",
        reasons="Valued, but reaches few of the young people the call is for.",
    )

    # A joint call across two partnerships (¶49), still a draft.
    kestlebury = Partnership.objects.filter(name="Kestlebury Prevent Partnership").first()
    _call(
        coordinator,
        partnership,
        "Joint fund with Kestlebury",
        maximum_amount="20000",
        opens_on=day + timedelta(days=60),
        closes_on=day + timedelta(days=120),
        also_for=[kestlebury] if kestlebury is not None else [],
    )

    # A devolved pot (¶46): delegated to the council's youth service, held by its team leader,
    # £250 a grant; three grants to local groups, one with what came of it.
    _devolved_pot(coordinator, partnership, day, [riverside, northgate])


def _devolved_pot(
    coordinator: User, partnership: Partnership, day: Any, groups: list[Organisation]
) -> None:
    from lde.partnerships.demo import DEMO_PASSWORD

    team, _ = Organisation.objects.get_or_create(
        name="Harrowfield Youth Service", defaults={"type": "council"}
    )
    post, _ = Post.objects.get_or_create(
        organisation=team, title="Youth team leader", defaults={"kind": PostKind.OTHER}
    )
    holder = User.objects.filter(email=f"youth.lead@harrowfield.{DOMAIN}").first()
    if holder is None:
        holder = User.objects.create_user(
            f"youth.lead@harrowfield.{DOMAIN}",
            DEMO_PASSWORD,
            full_name="Alex Mensah",
            organisation=team,
        )
        PostHolding.objects.create(post=post, user=holder, started_on=day - timedelta(days=200))
    pot = services.devolved_pot_add(
        actor=coordinator,
        partnership=partnership,
        name="Youth service small grants 2026-27",
        amount="3000",
        per_grant_limit="250",
        team=team,
        holder_post=post,
        starts_on=day - timedelta(days=60),
        ends_on=day + timedelta(days=300),
    )
    first = services.small_grant_record(
        actor=holder,
        pot=pot,
        recipient=groups[0],
        amount="250",
        purpose="Transport for a youth forum's visit to the town hall.",
        awarded_on=day - timedelta(days=40),
    )
    services.small_grant_outcome_set(
        actor=holder,
        grant=first,
        outcome="Fourteen young people met councillors and put three questions to them.",
    )
    services.small_grant_record(
        actor=holder,
        pot=pot,
        recipient=groups[1],
        amount="180",
        purpose="Refreshments for an open afternoon with neighbours.",
        awarded_on=day - timedelta(days=20),
    )
    services.small_grant_record(
        actor=holder,
        pot=pot,
        recipient=groups[0],
        amount="95.50",
        purpose="Art materials for a mural workshop.",
        awarded_on=day - timedelta(days=5),
    )
