from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.shortcuts import get_object_or_404

from accounts import memberships
from accounts.models import ProgrammeMembership, User
from programs.models import (
    DUE_SOON_DAYS,
    BudgetLine,
    BudgetLineKind,
    Cohort,
    Cost,
    DeadlineStatus,
    EnrollmentStatus,
    Financing,
    Grant,
    Payment,
    Programme,
    ReportDeadline,
    Target,
    TargetMetric,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Led(TypedDict):
    led: bool  # the user leads the programme (programme_list)


class _Status(TypedDict):
    status: str  # DeadlineStatus


def led_programmes(user: User) -> QuerySet[Programme]:
    """The programmes the user leads: the one answer to "is this the user's to lead?" for
    set-up, reports, exports, imports, erasure and the right of access."""
    if user is None:  # a scheduled job, or a run whose requester's account is gone
        return Programme.objects.none()
    return Programme.objects.visible_to(user).filter(pk__in=memberships.programme_ids_led(user))


def programmes_led(*, user: User) -> QuerySet[Programme]:
    """Programmes the user leads, with enrollment counts by status."""
    active = Q(enrollments__status=EnrollmentStatus.ACTIVE)
    open_statuses = [EnrollmentStatus.REFERRED, EnrollmentStatus.INTAKE]
    return (
        led_programmes(user)
        .annotate(
            active_count=Count("enrollments", filter=active, distinct=True),
            pending_count=Count(
                "enrollments", filter=Q(enrollments__status__in=open_statuses), distinct=True
            ),
            total_count=Count("enrollments", distinct=True),
        )
        .prefetch_related("cohorts")
        .order_by("name")
    )


def cohort_get(*, user: User, pk: int) -> Cohort:
    """A cohort of one of the user's programmes, or 404."""
    return get_object_or_404(
        Cohort.objects.filter(
            programme__in=Programme.objects.visible_to(user).filter(
                pk__in=memberships.programme_ids_worked_in(user)
            )
        )
        .select_related("programme")
        .distinct(),
        pk=pk,
    )


def programmes_for_setup(*, user: User) -> QuerySet[Programme]:
    """The programmes the user leads, with cohorts, members and grants."""

    return (
        led_programmes(user)
        .prefetch_related(
            "cohorts",
            Prefetch(
                "memberships",
                queryset=ProgrammeMembership.objects.select_related("user").order_by(
                    "role", "user__full_name"
                ),
            ),
            "grants",
        )
        .order_by("name")
    )


def programme_led_get(*, user: User, pk: int) -> Programme:
    return get_object_or_404(led_programmes(user), pk=pk)


def grant_list(*, user: User) -> QuerySet[Grant]:
    return Grant.objects.visible_to(user).prefetch_related("programmes", "deadlines")


def grant_get(*, user: User, pk: int) -> Grant:
    return get_object_or_404(grant_list(user=user), pk=pk)


def membership_get(*, user: User, pk: int) -> ProgrammeMembership:
    return get_object_or_404(
        ProgrammeMembership.objects.filter(programme__in=led_programmes(user)).select_related(
            "user", "programme"
        ),
        pk=pk,
    )


def programme_list(*, user: User) -> QuerySet[Programme]:
    """The programmes the user works in, each with ``led`` (the user leads it) and its
    enrollment counts by status, in one query."""

    led = Q(pk__in=memberships.programme_ids_led(user))
    active = Q(enrollments__status=EnrollmentStatus.ACTIVE)
    pending = Q(enrollments__status__in=[EnrollmentStatus.REFERRED, EnrollmentStatus.INTAKE])
    return (
        Programme.objects.visible_to(user)
        .filter(pk__in=memberships.programme_ids_worked_in(user))
        .annotate(
            led=ExpressionWrapper(led, output_field=BooleanField()),
            active_count=Count("enrollments", filter=active, distinct=True),
            pending_count=Count("enrollments", filter=pending, distinct=True),
            total_count=Count("enrollments", distinct=True),
        )
        .prefetch_related("cohorts")
    )


# --- a grant's money, targets and deadlines ----------------------------------------------------

CURRENCIES = {"NO": "NOK", "SE": "SEK"}
_CENT = Decimal("0.01")
_KIND_ORDER = Case(
    *[When(kind=kind, then=Value(i)) for i, kind in enumerate(BudgetLineKind.values)],
    output_field=IntegerField(),
)


def _money(value: Decimal | int | None) -> str:
    return f"{Decimal(value or 0).quantize(_CENT):.2f}"


def grant_months(grant: Grant) -> int:
    """The calendar months the grant's period touches, a part month counted as whole."""
    start, end = grant.starts_on, grant.ends_on
    return (end.year - start.year) * 12 + end.month - start.month + 1


def grant_money(*, grant: Grant, start: date, end: date) -> dict[str, Any]:
    """The grant's money for a report period ``start``–``end``, JSON-ready (amounts as
    strings with two decimals), in a fixed number of queries (sums made by the database).

    - A budget line's ``period`` counts the costs charged to it dated inside the period;
      ``to_date`` those dated from the grant's start to the period's end; ``deviation`` is
      ``to_date`` − ``budget``. ``unassigned`` are the costs on no budget line, counted alike.
    - ``totals`` add up the lines' budgets and all costs (the unassigned ones too).
    - ``payments`` are those received up to the period's end, and ``payments_total`` their sum.
    - Own contribution: ``required`` = ``required_percent`` of the budget total (the whole
      project's cost); ``made`` = the costs financed as own contribution, to date;
      ``made_percent`` = made ÷ all costs to date × 100, null when there are no costs.
    - Position: ``planned_months`` = the funded share × the grant's months (a part month
      counted as whole); ``used_months`` = the sum of the FTE recorded for each month up to
      the period's end, which ``months`` lists.
    """
    to_date = Q(spent_on__gte=grant.starts_on, spent_on__lte=end)
    lines = list(
        grant_budget_lines(grant=grant).annotate(
            period=Sum(
                "costs__amount", filter=Q(costs__spent_on__gte=start, costs__spent_on__lte=end)
            ),
            to_date=Sum(
                "costs__amount",
                filter=Q(costs__spent_on__gte=grant.starts_on, costs__spent_on__lte=end),
            ),
        )
    )
    sums = Cost.objects.filter(to_date, grant=grant).aggregate(
        to_date=Sum("amount"),
        period=Sum("amount", filter=Q(spent_on__gte=start)),
        unassigned_to_date=Sum("amount", filter=Q(budget_line__isnull=True)),
        unassigned_period=Sum("amount", filter=Q(budget_line__isnull=True, spent_on__gte=start)),
        own=Sum("amount", filter=Q(financing=Financing.OWN)),
    )
    payments = list(Payment.objects.filter(grant=grant, received_on__lte=end))
    months = list(grant.position_months.filter(month__lte=end).order_by("month"))
    budget = sum((line.amount for line in lines), Decimal(0))
    spent = sums["to_date"] or Decimal(0)
    own = sums["own"] or Decimal(0)
    required = budget * grant.own_contribution_percent / 100
    return {
        "currency": CURRENCIES.get(grant.municipality.country, "NOK"),
        "grant_amount": _money(grant.amount),
        "budget_lines": [
            {
                "kind": line.kind,
                "label": line.label,
                "budget": _money(line.amount),
                "period": _money(line.period),
                "to_date": _money(line.to_date),
                "deviation": _money((line.to_date or 0) - line.amount),
            }
            for line in lines
        ],
        "unassigned": {
            "period": _money(sums["unassigned_period"]),
            "to_date": _money(sums["unassigned_to_date"]),
        },
        "totals": {
            "budget": _money(budget),
            "period": _money(sums["period"]),
            "to_date": _money(spent),
            "deviation": _money(spent - budget),
        },
        "payments": [
            {
                "received_on": p.received_on.isoformat(),
                "amount": _money(p.amount),
                "reference": p.reference,
            }
            for p in payments
        ],
        "payments_total": _money(sum((p.amount for p in payments), Decimal(0))),
        "own_contribution": {
            "required_percent": _money(grant.own_contribution_percent),
            "required": _money(required),
            "made": _money(own),
            "made_percent": _money(own / spent * 100) if spent else None,
        },
        "position": {
            "share": _money(grant.funded_position_share),
            "planned_months": _money(grant.funded_position_share * grant_months(grant)),
            "used_months": _money(sum((m.share for m in months), Decimal(0))),
            "months": [[m.month.isoformat(), _money(m.share)] for m in months],
        },
    }


def targets_for(
    *, grant: Grant | None = None, programme: Programme | None = None
) -> list[tuple[str, int]]:
    """A grant's or a programme's targets as (metric, value), in TargetMetric's order; a
    programme's «people reached» is its target participants."""
    if (grant is None) == (programme is None):
        raise ValueError("targets_for takes a grant or a programme")
    rows = (
        Target.objects.filter(grant=grant) if grant else Target.objects.filter(programme=programme)
    )
    values = dict(rows.values_list("metric", "value"))
    if programme is not None and programme.target_participants:
        values[TargetMetric.REACHED] = programme.target_participants
    return [(metric, values[metric]) for metric in TargetMetric.values if metric in values]


def deadlines_needing_attention(
    *, user: User, today: date
) -> "list[WithAnnotations[ReportDeadline, _Status]]":
    """The report deadlines of the grants the user sees that are overdue or due (within
    DUE_SOON_DAYS) and not submitted, earliest first, each with its ``status``
    (DeadlineStatus), in one query."""
    soon = today + timedelta(days=DUE_SOON_DAYS)
    return list(
        ReportDeadline.objects.filter(
            grant__in=Grant.objects.led_wholly_by(user),
            submitted_on__isnull=True,
            due_on__lte=soon,
        )
        .annotate(
            status=Case(
                When(due_on__lt=today, then=Value(DeadlineStatus.OVERDUE.value)),
                default=Value(DeadlineStatus.DUE.value),
                output_field=CharField(),
            )
        )
        .select_related("grant")
        .order_by("due_on", "pk")
    )


def grant_budget_lines(*, grant: Grant) -> QuerySet[BudgetLine]:
    """The grant's budget lines in the order grant_money gives their figures."""
    return grant.budget_lines.order_by(_KIND_ORDER, "pk")


def grant_costs(*, grant: Grant) -> QuerySet[Cost]:
    """The grant's costs, latest first."""
    return grant.costs.select_related("budget_line").order_by("-spent_on", "-pk")


_OfGrant = TypeVar("_OfGrant", BudgetLine, Cost, Payment, ReportDeadline)


def _of_visible_grants(model: type[_OfGrant], user: User) -> QuerySet[_OfGrant]:
    return model.objects.filter(grant__in=Grant.objects.visible_to(user)).select_related("grant")


def budget_line_get(*, user: User, pk: int) -> BudgetLine:
    return get_object_or_404(_of_visible_grants(BudgetLine, user), pk=pk)


def cost_get(*, user: User, pk: int) -> Cost:
    return get_object_or_404(_of_visible_grants(Cost, user), pk=pk)


def payment_get(*, user: User, pk: int) -> Payment:
    return get_object_or_404(_of_visible_grants(Payment, user), pk=pk)


def deadline_get(*, user: User, pk: int) -> ReportDeadline:
    return get_object_or_404(_of_visible_grants(ReportDeadline, user), pk=pk)


def target_get(*, user: User, pk: int) -> Target:
    """A target of a grant the user sees or of a programme the user leads, or 404."""
    return get_object_or_404(
        Target.objects.filter(
            Q(grant__in=Grant.objects.visible_to(user)) | Q(programme__in=led_programmes(user))
        ).select_related("grant", "programme"),
        pk=pk,
    )
