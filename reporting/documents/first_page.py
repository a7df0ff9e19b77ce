"""The first page: the title and the facts under it, a correction's note, the results read at
a glance as tiles, and the report deadlines."""

from django.utils.translation import gettext as _

from programs.models import DeadlineStatus, TargetMetric
from reporting.documents.layout import section_titles
from reporting.documents.model import (
    Table,
    Tile,
    Value,
    date_value,
    status_label,
    text_value,
)
from reporting.figures import figure_labels
from reporting.formatting import (
    NOT_AVAILABLE,
    amount,
    day,
    days,
    decimal,
    number,
    percent,
    value_text,
)
from reporting.profiles import Audience, TargetStatus


def period_of(run, snapshot: dict) -> dict:
    """The report period: the snapshot's, or (a run built before it was frozen) the run's."""
    period = dict((snapshot.get("meta") or {}).get("period") or {})
    period.setdefault("start", getattr(run, "period_start", None))
    period.setdefault("end", getattr(run, "period_end", None))
    return period


def report_title(run, snapshot: dict) -> str:
    profile = (snapshot.get("meta") or {}).get("profile") or {}
    return profile.get("name") or str(run.get_kind_display())


def title_rows(run, snapshot: dict) -> list[tuple[str, str]]:
    """The facts under the first page's title."""
    meta = snapshot.get("meta") or {}
    period = period_of(run, snapshot)
    rows = [
        (_("Municipality"), meta.get("municipality", "")),
        (_("Grant") if meta.get("grant") else _("Programme"), meta.get("subject", "")),
    ]
    if len(meta.get("programmes") or []) > 1 or meta.get("grant"):
        rows.append((_("Programmes"), ", ".join(meta.get("programmes") or [])))
    shown = days(period["start"], period["end"])
    if period.get("cut_at_today"):
        shown += " " + _("(cut at today; the period asked for ends %(end)s)") % {
            "end": day(period.get("requested_end"))
        }
    rows.append((_("Period"), shown))
    audience = meta.get("audience")
    if audience in Audience.values:
        recipient = (meta.get("profile") or {}).get("recipient")
        label = str(Audience(audience).label)
        rows.append((_("For"), f"{label}: {recipient}" if recipient else label))
    rows.append((_("Built"), _built(meta)))
    return rows


def _built(meta: dict) -> str:
    built = day(meta.get("built_at")) if meta.get("built_at") else NOT_AVAILABLE
    if meta.get("version"):
        built += " · " + _("version %(number)s") % {"number": meta["version"]}
    return built


def correction_note(snapshot: dict) -> str:
    corrects = (snapshot.get("meta") or {}).get("corrects")
    if not corrects:
        return ""
    return _(
        "This version corrects version %(version)s, submitted to %(to)s on %(on)s. "
        "What changed is listed under «Changes since the submitted version»."
    ) % {
        "version": corrects.get("version", ""),
        "to": corrects.get("submitted_to", ""),
        "on": day(corrects.get("submitted_on")),
    }


def _target(snapshot: dict, metric: str) -> dict | None:
    return next((t for t in snapshot.get("targets") or [] if t.get("metric") == metric), None)


def _figure_tile(snapshot: dict, metric: str, label: str, keys: list[str]) -> Tile | None:
    """A result against its target, or the report's own figure for it when there is no
    target (the first of ``keys`` the report carries); left out when it has neither."""
    target = _target(snapshot, metric)
    if target is not None:
        status = target.get("status", "")
        return Tile(
            label,
            value_text(target.get("result")),
            _("target %(target)s") % {"target": value_text(target.get("target"))},
            status,
            status_label(TargetStatus, status),
        )
    figures = snapshot.get("figures") or {}
    key = next((k for k in keys if k in figures), None)
    if key is None:
        return None
    value = figures.get(key)
    if isinstance(value, dict):
        # A breakdown adds up to the people in it, unless a cell of it is protected.
        value = sum(value.values()) if all(isinstance(v, int) for v in value.values()) else None
    if value is None:
        return None
    return Tile(figure_labels().get(key, label), value_text(value), _("no target set"))


def money_tiles(snapshot: dict) -> list[Tile]:
    money = snapshot.get("money")
    if not money:
        return []
    currency = money.get("currency") or (snapshot.get("meta") or {}).get("currency", "NOK")
    totals = money.get("totals") or {}
    tiles = [_share_tile(_("Money used"), totals.get("to_date"), totals.get("budget"), currency)]
    own = money.get("own_contribution") or {}
    if own:
        tiles.append(_contribution_tile(own, currency))
    position = money.get("position") or {}
    if position:
        tiles.append(_position_tile(position))
    return tiles


def _contribution_tile(own: dict, currency: str) -> Tile:
    tile = _share_tile(_("Own contribution made"), own.get("made"), own.get("required"), currency)
    tile.detail = _("of %(required)s required; %(made)s of costs to date (%(share)s required)") % {
        "required": amount(own.get("required"), currency),
        "made": percent(own.get("made_percent")),
        "share": percent(own.get("required_percent")),
    }
    return tile


def _position_tile(position: dict) -> Tile:
    return Tile(
        _("Position months used"),
        number(decimal(position.get("used_months")), 1),
        _("of %(planned)s planned (%(share)s position)")
        % {
            "planned": number(decimal(position.get("planned_months")), 1),
            "share": number(decimal(position.get("share")), 2),
        },
    )


def _share_tile(label: str, part, whole, currency: str) -> Tile:
    used, of = decimal(part), decimal(whole)
    detail = _("of %(whole)s") % {"whole": amount(of, currency)}
    if used is not None and of:
        detail += f" ({percent(used / of * 100)})"
    return Tile(label, amount(used, currency), detail)


def tiles(snapshot: dict) -> list[Tile]:
    """The first page's results: reached, into qualification, into work or education, then
    the money."""
    wanted = [
        (TargetMetric.REACHED, _("People reached"), ["participants"]),
        (TargetMetric.IN_WORK_TRAINING, _("In structured work training"), ["in_work_training"]),
        (
            TargetMetric.STARTED_QUALIFICATION,
            _("Started a qualification route"),
            ["started_qualification_route", "qualification_routes"],
        ),
        (
            TargetMetric.IN_WORK_OR_EDUCATION_AT_EXIT,
            _("In work or education at exit"),
            ["in_work_or_education_at_exit", "in_ordinary_employment"],
        ),
    ]
    shown = [_figure_tile(snapshot, *wanted_tile) for wanted_tile in wanted]
    return [t for t in shown if t] + money_tiles(snapshot)


def deadline_table(snapshot: dict) -> Table | None:
    deadlines = snapshot.get("deadlines") or []
    if not deadlines:
        return None
    rows = []
    for deadline in deadlines:
        status = status_label(DeadlineStatus, deadline.get("status", ""))
        if deadline.get("submitted_on"):
            status += " " + day(deadline["submitted_on"])
        shown = Value(status, status=deadline.get("status", ""))
        rows.append([text_value(deadline.get("label")), date_value(deadline.get("due_on")), shown])
    return Table([_("Deadline"), _("Due"), _("Status")], rows, title=section_titles()["deadlines"])
