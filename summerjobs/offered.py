"""What a season offers an applicant to choose, its periods and work areas: read by the form's
choices and by the rules' check of every application sent and every code entered, hundreds a
minute at the deadline (make bench-summer), so read in one statement written out once."""

from dataclasses import dataclass
from datetime import date
from typing import cast

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper

from summerjobs.models import Period, Season, WorkArea


@dataclass(frozen=True)
class SeasonOffer:
    """What a season offers an applicant to choose: its periods (by number) and work areas (by
    name), as the form's choices show them and the rules check them."""

    periods: tuple[Period, ...]
    areas: tuple[WorkArea, ...]

    @property
    def period_starts(self) -> dict[int, date]:
        return {period.pk: period.starts_on for period in self.periods}

    @property
    def area_ids(self) -> frozenset[int]:
        return frozenset(area.pk for area in self.areas)


# Where season_offer keeps what it read when asked to (a view's season, for its one request).
_OFFER_READ = "_summerjobs_offer"


def season_offer(season: Season, *, keep: bool = False) -> SeasonOffer:
    """The season's periods and work areas in one statement for both. The periods carry their
    number and dates, the areas their name: what the form's choices show and the rules check.
    ``keep``: remember them on this season object, so that the form's choices and the rules'
    check of what was sent share one read (a view's object, which lives one request; a longer
    lived one would not see a period or area added later)."""
    if (offer := season.__dict__.get(_OFFER_READ)) is not None:
        return cast(SeasonOffer, offer)
    periods: list[Period] = []
    areas: list[WorkArea] = []
    connection = connections[router.db_for_read(Period) or DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(_offer_statement(connection), [season.pk, season.pk])
        for pk, number, starts_on, ends_on, name, is_area in cursor.fetchall():
            if is_area:
                areas.append(WorkArea(pk=pk, season=season, name=name))
            else:
                periods.append(
                    Period(
                        pk=pk,
                        season=season,
                        number=number,
                        starts_on=_day(starts_on),
                        ends_on=_day(ends_on),
                    )
                )
    offer = SeasonOffer(tuple(periods), tuple(areas))
    if keep:
        season.__dict__[_OFFER_READ] = offer
    return offer


# season_offer's statement for each kind of database (its quoting), written out once.
_OFFER_STATEMENTS: dict[str, str] = {}


def _offer_statement(connection: BaseDatabaseWrapper) -> str:
    """season_offer's statement: the ORM took about a millisecond of Python to build the same
    union on every form sent and every code entered at the deadline, ten times the statement's
    own time (make bench-summer). Areas in the database's order of names, as their model's
    ordering."""
    if connection.vendor in _OFFER_STATEMENTS:
        return _OFFER_STATEMENTS[connection.vendor]
    quote = connection.ops.quote_name

    def columns(model: type[Period] | type[WorkArea], *names: str) -> list[str]:
        stored = {field.name: field.column for field in model._meta.concrete_fields}
        return [quote(stored[name]) for name in names]

    pk, number, starts_on, ends_on, p_season = columns(
        Period, "id", "number", "starts_on", "ends_on", "season"
    )
    area_pk, name, a_season = columns(WorkArea, "id", "name", "season")
    # Only the models' own names are written in; the season's id goes as a parameter.
    statement = (
        f"SELECT {pk}, {number}, {starts_on}, {ends_on}, '' AS label, 0 AS is_area "  # noqa: S608
        f"FROM {quote(Period._meta.db_table)} WHERE {p_season} = %s "
        f"UNION ALL SELECT {area_pk}, 0, NULL, NULL, {name}, 1 "
        f"FROM {quote(WorkArea._meta.db_table)} WHERE {a_season} = %s "
        "ORDER BY 6, 2, 5"
    )
    _OFFER_STATEMENTS[connection.vendor] = statement
    return statement


def _day(value: date | str) -> date:
    # SQLite hands a union's dates back as text.
    return value if isinstance(value, date) else date.fromisoformat(value)
