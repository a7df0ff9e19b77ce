"""The applicant's export as files: JSON for machines and a PDF to read, in the active language
(the lead's or coordinator's). The parts are declared in ``summerjobs.subject.PARTS``; the
values are shown as a person's export shows them (``privacy.subject_access.render``)."""

import json
from collections.abc import Callable, Iterable
from datetime import time
from typing import Any

from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from participants import national_id as nid
from privacy.subject_access.render import (
    Cell,
    changes_text,
    display,
    name_of,
    plain,
    record_kind,
)
from reporting.pdf import StaticOnlyFetcher
from summerjobs.models import Allocation, Application, LotteryRun, Offer, Period, PriorityTier
from summerjobs.subject import ENCRYPTED_ID, PARTS, ApplicantRecords, DrawRow, Part

FORMAT = "fotfeste.applicant-access.v1"

# PDF headings for columns whose model gives no translated name, by column or model and column.
LABELS: dict[str, Promise] = {
    "id": gettext_lazy("No."),
    "national_id": gettext_lazy("personnummer"),
    "season": gettext_lazy("season"),
    "status": gettext_lazy("status"),
    "created_at": gettext_lazy("sent"),
    "application": gettext_lazy("application"),
    "area": gettext_lazy("work area"),
    "run": gettext_lazy("lottery run"),
    "place": gettext_lazy("place"),
    "choice_rank": gettext_lazy("wish no."),
    "reserve_position": gettext_lazy("reserve position"),
    "allocation": gettext_lazy("outcome"),
    "from_place": gettext_lazy("from"),
    "to_place": gettext_lazy("to"),
    "made_by": gettext_lazy("made by"),
    "made_at": gettext_lazy("when"),
    "at": gettext_lazy("when"),
    "user": gettext_lazy("by"),
    "action": gettext_lazy("what"),
    "page": gettext_lazy("page"),
    "model": gettext_lazy("kind of record"),
    "object_id": gettext_lazy("record no."),
    "changes": gettext_lazy("changes"),
    "redacted_at": gettext_lazy("values removed"),
    "requested_by": gettext_lazy("requested by"),
    "applications": gettext_lazy("applications"),
}
# Where one model's column needs another heading than the same name elsewhere.
MODEL_LABELS: dict[tuple[str, str], Promise] = {
    ("audit.AccessEvent", "user"): gettext_lazy("Who"),
    ("audit.ChangeEvent", "user"): gettext_lazy("by"),
    ("summerjobs.Offer", "created_at"): gettext_lazy("made"),
    ("summerjobs.Offer", "guardian_needed"): gettext_lazy("a guardian confirms"),
    ("summerjobs.Offer", "sent_at"): gettext_lazy("sent to the young person"),
    ("summerjobs.Offer", "answered_at"): gettext_lazy("answered"),
    ("summerjobs.Offer", "guardian_sent_at"): gettext_lazy("sent to the guardian"),
    ("summerjobs.Offer", "guardian_confirmed_at"): gettext_lazy("confirmed by the guardian"),
    ("summerjobs.Offer", "workplace_told_at"): gettext_lazy("the workplace told"),
    ("summerjobs.Offer", "declined_by_guardian"): gettext_lazy("declined by the guardian"),
    ("summerjobs.HoursEntry", "offer"): gettext_lazy("offer"),
    ("summerjobs.HoursEntry", "entered_at"): gettext_lazy("recorded"),
    ("summerjobs.HoursEntry", "entered_by_name"): gettext_lazy("recorded by (handledare)"),
    ("summerjobs.HoursEntry", "entered_by"): gettext_lazy("recorded by (staff)"),
    ("summerjobs.HoursEntry", "correction_reason"): gettext_lazy("reason for the correction"),
    ("summerjobs.Attestation", "offer"): gettext_lazy("offer"),
    ("summerjobs.Attestation", "hours"): gettext_lazy("hours"),
    ("summerjobs.Attestation", "attested_at"): gettext_lazy("attested"),
    ("summerjobs.Attestation", "attested_by_name"): gettext_lazy("attested by (handledare)"),
}
# The priority tier is a ground staff recorded about the person (social services, a
# disability…): the person may see it, named for what it is.
TIER_LABEL = gettext_lazy("priority ground, set by staff")


# ----- JSON ---------------------------------------------------------------------------------


def export_data(records: ApplicantRecords) -> dict[str, Any]:
    """The machine-readable export: stable keys, codes rather than labels, ISO dates, the
    personnummer in full (it is the person's own)."""
    programme = records.applicant.programme
    data: dict[str, Any] = {
        "format": FORMAT,
        "generated_at": timezone.localtime(records.generated_at).isoformat(),
        "generated_by": records.actor.full_name,
        "municipality": programme.municipality.name,
        "programme": programme.name,
    }
    for part in PARTS:
        data[part.key] = [_json_row(obj, part.columns) for obj in records.rows[part.key]]
    data["draws"] = [_json_draw(row) for row in records.draws]
    return data


def render_json(records: ApplicantRecords) -> bytes:
    return json.dumps(export_data(records), ensure_ascii=False, indent=2).encode("utf-8")


def _own_row(f: "models.Field[Any, Any]") -> bool:
    """A reference to another row of this copy (a lottery run: the draws name it): exported
    as its number."""
    return f.related_model in (Application, Allocation, LotteryRun, Offer)


def _json_row(obj: models.Model, columns: "Iterable[models.Field[Any, Any]]") -> dict[str, Any]:
    row: dict[str, Any] = {}
    for f in columns:
        if f.name == ENCRYPTED_ID:
            row["national_id"] = national_id(obj)
        elif f.many_to_many and f.related_model is Period:
            row[f.name] = [_json_period(period) for period in getattr(obj, f.name).all()]
        elif f.many_to_many and _own_row(f):
            row[f.name] = [related.pk for related in getattr(obj, f.name).all()]
        elif f.many_to_many:
            row[f.name] = [str(related) for related in getattr(obj, f.name).all()]
        elif f.is_relation and _own_row(f):
            row[f.name] = getattr(obj, f.attname)
        elif f.is_relation:
            row[f.name] = name_of(getattr(obj, f.name))
        else:
            row[f.name] = plain(getattr(obj, f.attname))
    return row


def _json_period(period: Period) -> dict[str, Any]:
    return {
        "number": period.number,
        "starts_on": plain(period.starts_on),
        "ends_on": plain(period.ends_on),
    }


def _json_draw(row: DrawRow) -> dict[str, Any]:
    return {
        "run": row.run.pk,
        "run_at": plain(row.run.run_at),
        "dry_run": row.run.dry_run,
        "seed": row.run.seed,
        "application": row.application_id,
        "position": row.position,
        "place": str(row.place) if row.place else None,
        "choice_rank": row.choice_rank,
        "reserve_position": row.reserve_position,
    }


def national_id(obj: models.Model) -> str:
    """The number in full, or "" once erased; an ApplicationError when the keys cannot read
    it."""
    token = getattr(obj, ENCRYPTED_ID)
    return nid.decrypt(token) if token else ""


# ----- PDF ----------------------------------------------------------------------------------


def pdf_context(records: ApplicantRecords) -> dict[str, Any]:
    """The parts as the PDF shows them: translated headings, localised dates, labels instead
    of codes, staff by name."""
    sections: list[dict[str, Any]] = []
    for part in PARTS:
        sections.append(
            {
                "key": part.key,
                "title": str(part.title),
                "table": part.table,
                "labels": [_label(part, f) for f in part.columns],
                "rows": [_pdf_row(part, obj) for obj in records.rows[part.key]],
            }
        )
    labels, rows = _draws(records.draws)
    draws = {"key": "draws", "title": _("The lottery's draws"), "table": True}
    sections.insert(3, {**draws, "labels": labels, "rows": rows})
    latest = records.applicant.latest
    return {
        "programme": records.applicant.programme,
        "name": f"{latest.first_name} {latest.last_name}",
        "national_id": national_id(latest) or "–",
        "generated_at": records.generated_at,
        "generated_by": records.actor.full_name,
        "sections": sections,
    }


def render_html(records: ApplicantRecords) -> str:
    return render_to_string("privacy/applicant_access_pdf.html", pdf_context(records))


def render_pdf(records: ApplicantRecords) -> bytes:
    """The readable copy. The rows hold text people typed, so WeasyPrint loads nothing but
    the project's own static files and the text is escaped."""
    from weasyprint import HTML  # heavy to import; only the worker that builds files needs it

    pdf: bytes = HTML(
        string=render_html(records),
        base_url=str(settings.BASE_DIR),
        url_fetcher=StaticOnlyFetcher(),
    ).write_pdf()
    return pdf


def _label(part: Part, f: "models.Field[Any, Any]") -> str:
    if part.model is Application and f.name == "tier":
        return str(capfirst(str(TIER_LABEL)))
    special = MODEL_LABELS.get((part.model._meta.label, f.name))
    if special is not None:
        return str(capfirst(str(special)))
    name = "national_id" if f.name == ENCRYPTED_ID else f.name
    if name in LABELS and not isinstance(f.verbose_name, Promise):
        return str(capfirst(str(LABELS[name])))
    return str(capfirst(f.verbose_name))


def _pdf_row(part: Part, obj: models.Model) -> list[Cell]:
    long = (models.TextField, models.JSONField)
    return [Cell(_label(part, f), _shown(obj, f), isinstance(f, long)) for f in part.columns]


def _shown(obj: models.Model, f: "models.Field[Any, Any]") -> object:
    special = SHOWN.get((obj._meta.label, f.name))
    if special is not None:
        return special(obj)
    if f.name == ENCRYPTED_ID:
        return national_id(obj) or "–"
    if f.many_to_many and _own_row(f):
        return ", ".join(f"#{related.pk}" for related in getattr(obj, f.name).all()) or "–"
    if f.many_to_many:
        return ", ".join(str(related) for related in getattr(obj, f.name).all()) or "–"
    if f.is_relation and _own_row(f):
        number = getattr(obj, f.attname)
        return f"#{number}" if number else "–"
    if f.is_relation:
        return name_of(getattr(obj, f.name)) or "–"
    if f.choices:
        return getattr(obj, f"get_{f.name}_display")() or "–"
    value = getattr(obj, f.attname)
    if isinstance(value, time):  # a day's hours: from and to, to the minute
        return formats.time_format(value, "H:i")
    return display(value)


def _periods(application: Application) -> str:
    return ", ".join(
        f"{p.number} ({display(p.starts_on)}–{display(p.ends_on)})"
        for p in application.periods.all()
    )


def _tier(application: Application) -> str:
    tier: PriorityTier | None = application.tier
    if tier is None:
        return _("None set (served after every tier)")
    return f"{tier.name} ({_('sensitive ground')})" if tier.sensitive else tier.name


def _draws(rows: list[DrawRow]) -> tuple[list[str], list[list[Cell]]]:
    labels = [
        _("Run"),
        _("When"),
        _("Kind"),
        _("Application"),
        _("Position in the draw"),
        _("Place"),
        _("Wish no."),
        _("Reserve position"),
    ]
    table = []
    for row in rows:
        kind = _("Dry run") if row.run.dry_run else _("For real")
        values = [
            f"#{row.run.pk}",
            formats.date_format(timezone.localtime(row.run.run_at), "SHORT_DATETIME_FORMAT"),
            kind,
            f"#{row.application_id}",
            row.position,
            str(row.place) if row.place else "–",
            display(row.choice_rank),
            display(row.reserve_position),
        ]
        table.append([Cell(label, value) for label, value in zip(labels, values, strict=True)])
    return labels, table


def _user(obj: Any) -> str:
    user: User | None = obj.user
    return name_of(user) or _("the system")


# Each takes a row of the model it is keyed by.
SHOWN: dict[tuple[str, str], Callable[[Any], object]] = {
    ("summerjobs.Application", "tier"): _tier,
    ("summerjobs.Application", "periods"): _periods,
    ("audit.AccessEvent", "model"): record_kind,
    ("audit.ChangeEvent", "model"): record_kind,
    ("audit.ChangeEvent", "changes"): changes_text,
    ("audit.ChangeEvent", "user"): _user,
}
