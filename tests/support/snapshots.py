"""Frozen report figures for rendering the documents without a database."""

from datetime import date

from reporting.models import ReportRun

MONTHS = [f"2026-{m:02d}-01" for m in range(1, 13)]


def run_for(kind: str = "lim", language: str = "nb", pk: int = 41) -> ReportRun:
    """An unsaved run: the documents read only its kind, language and id (and, for a run
    from before the period was frozen, its period)."""
    return ReportRun(
        pk=pk,
        kind=kind,
        language=language,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 4),
    )


def lim_snapshot() -> dict:
    """Lyngdal's LIM report for «En av mange», cut at today, correcting a submitted version."""
    return {
        "meta": {
            "municipality": "Lyngdal",
            "country": "NO",
            "currency": "NOK",
            "subject": "LIM-tilskudd 2026 – En av mange",
            "programmes": ["En av mange"],
            "profile": {
                "key": "lim",
                "name": "LIM-tilskudd (Agder fylkeskommune)",
                "funder": "Agder fylkeskommune",
                "recipient": "Agder fylkeskommune",
            },
            "audience": "recipient",
            "threshold": 5,
            "period": {
                "start": "2026-01-01",
                "end": "2026-12-04",
                "requested_end": "2026-12-31",
                "cut_at_today": True,
            },
            "months": {"first": "2026-01-01", "last": "2026-12-01"},
            "built_at": "2026-12-04T21:10+01:00",
            "version": 2,
            "corrects": {
                "run": 12,
                "version": 1,
                "submitted_on": "2026-08-30",
                "submitted_to": "Agder fylkeskommune",
            },
            "grant": {
                "funder": "Agder fylkeskommune",
                "name": "LIM-tilskudd 2026 – En av mange",
                "amount": "450000.00",
                "starts_on": "2026-01-01",
                "ends_on": "2026-12-31",
                "position_share": "0.50",
                "own_share": "20.00",
            },
        },
        "figures": {
            "participants": 11,
            "new": 10,
            "continuing": "<5",
            "reached_by_gender": {"female": 6, "male": 5},
            "reached_by_age": {"18–24": 7, "25–29": "<5", "30 and over": ":"},
            "by_education": {"primary": 6, "upper_secondary": 5},
            "by_neet_status": {"neet_seeking": 6, "neet_inactive": 2, "unknown": ":"},
            "activities": {"arbeidstrening": 10, "praksis": 3},
            "started_qualification_route": 4,
            "exits": 3,
            "outcomes": {"work_part": 2, "education": 1},
            "in_education": 1,
            "placement_hours": 3412,
            "attendance_rate": 89.9,
        },
        "series": {
            "participants_over_time": [[m, 7 + min(i, 4)] for i, m in enumerate(MONTHS)],
            "attendance_rate": [[m, 91.3 - i * 0.4] for i, m in enumerate(MONTHS[:11])]
            + [[MONTHS[11], None]],
            "module_progress": [[m, 0] for m in MONTHS],
            "outcomes": [["work_part", 2], ["education", 1], ["other", "<5"]],
        },
        "targets": [
            {"metric": "reached", "target": 10, "result": 11, "status": "met"},
            {
                "metric": "started_qualification_route",
                "target": 4,
                "result": 4,
                "status": "met",
            },
            {
                "metric": "in_work_or_education_at_exit",
                "target": 6,
                "result": 3,
                "status": "behind",
            },
        ],
        "money": {
            "currency": "NOK",
            "grant_amount": "450000.00",
            "budget_lines": [
                {
                    "kind": "position",
                    "label": "Arbeidsleder 50 %",
                    "budget": "300000.00",
                    "period": "262500.00",
                    "to_date": "262500.00",
                    "deviation": "-37500.00",
                },
                {
                    "kind": "activities",
                    "label": "Kurs og sertifisering",
                    "budget": "100000.00",
                    "period": "61250.50",
                    "to_date": "61250.50",
                    "deviation": "-38749.50",
                },
                {
                    "kind": "other",
                    "label": "Arbeidstøy og verneutstyr",
                    "budget": "50000.00",
                    "period": "18000.00",
                    "to_date": "18000.00",
                    "deviation": "-32000.00",
                },
            ],
            "unassigned": {"period": "1200.00", "to_date": "1200.00"},
            "totals": {
                "budget": "450000.00",
                "period": "342950.50",
                "to_date": "342950.50",
                "deviation": "-107049.50",
            },
            "payments": [
                {"received_on": "2026-02-15", "amount": "225000.00", "reference": "LIM 1/2"},
                {"received_on": "2026-09-01", "amount": "180000.00", "reference": "LIM 2/2"},
            ],
            "payments_total": "405000.00",
            "own_contribution": {
                "required_percent": "20.00",
                "required": "90000.00",
                "made": "73400.00",
                "made_percent": "21.40",
            },
            "position": {
                "share": "0.50",
                "planned_months": "6.00",
                "used_months": "5.50",
                "months": [[m, "0.50"] for m in MONTHS[:11]],
            },
        },
        "deadlines": [
            {
                "label": "Halvårsrapport LIM",
                "due_on": "2026-08-31",
                "status": "submitted",
                "submitted_on": "2026-08-30",
            },
            {
                "label": "Sluttrapport LIM",
                "due_on": "2027-01-31",
                "status": "upcoming",
                "submitted_on": None,
            },
        ],
        "narrative": [
            {
                "key": "activities",
                "text": "Ti deltakere startet i servicegruppa i januar.\n"
                "Fire er på vei mot fagbrev som helsearbeider.",
            },
            {"key": "deviations", "text": "Oppstarten ble forsinket med to uker."},
            {"key": "cooperation", "text": "Månedlige møter med NAV Lindesnes."},
            {"key": "next_period", "text": ""},
            {"key": "continuation", "text": "Tiltaket videreføres i ordinær drift fra 2027."},
        ],
        "changes": [
            {"figure": "participants", "category": None, "before": 10, "after": 11},
            {"figure": "reached_by_gender", "category": "male", "before": "<5", "after": 5},
        ],
        "empty": False,
    }


def ks_snapshot() -> dict:
    """A KS «Inn i jobb» report on a programme: no grant, no money, a publication."""
    return {
        "meta": {
            "municipality": "Kristiansand",
            "country": "NO",
            "currency": "NOK",
            "subject": "Flere i arbeid",
            "programmes": ["Flere i arbeid"],
            "profile": {
                "key": "ks",
                "name": "KS «Inn i jobb»",
                "funder": "KS",
                "recipient": "KS",
            },
            "audience": "publication",
            "threshold": 5,
            "period": {
                "start": "2026-01-01",
                "end": "2026-06-30",
                "requested_end": "2026-06-30",
                "cut_at_today": False,
            },
            "months": {"first": "2026-03-01", "last": "2026-06-01"},
            "built_at": "2026-07-02T08:00+02:00",
            "version": 1,
            "corrects": None,
        },
        "figures": {
            "participants": 42,
            "recruited": 17,
            "by_gender": {"female": 9, "male": 8},
            "by_age": {"18–20": 6, "21–24": 7, "25–29": "<5", "unknown": ":"},
            "in_work_training": 38,
            "qualification_routes": {"fagbrev_paa_jobb": 6, "laerling": "<5"},
            "in_ordinary_employment": 5,
            "follow_up_6": {"work": 4, "education": 0},
            "follow_up_12": None,
        },
        "series": {
            "participants_over_time": [
                ["2026-03-01", 30],
                ["2026-04-01", 36],
                ["2026-05-01", 40],
                ["2026-06-01", 42],
            ],
            "attendance_rate": [["2026-03-01", None], ["2026-04-01", None]],
            "module_progress": [["2026-03-01", 0], ["2026-04-01", 0]],
            "outcomes": [],
        },
        "targets": [{"metric": "reached", "target": 40, "result": 42, "status": "met"}],
        "deadlines": [
            {
                "label": "KS halvårsrapport",
                "due_on": "2026-07-15",
                "status": "due",
                "submitted_on": None,
            }
        ],
        "narrative": [
            {"key": "activities", "text": "Arbeidstrening i kommunens driftsavdelinger."},
            {"key": "deviations", "text": ""},
        ],
        "changes": [],
        "empty": False,
    }


def swedish_snapshot() -> dict:
    """A Swedish municipality's grant report, in kronor."""
    snapshot = lim_snapshot()
    snapshot["meta"].update(
        municipality="Solvik",
        country="SE",
        currency="SEK",
        subject="Ungdomsjobb 2026",
        profile={
            "key": "generic",
            "name": "Bidrag (Länsstyrelsen)",
            "funder": "Länsstyrelsen",
            "recipient": "Länsstyrelsen",
        },
        corrects=None,
        version=1,
    )
    snapshot["meta"]["grant"].update(funder="Länsstyrelsen", name="Ungdomsjobb 2026")
    snapshot["money"]["currency"] = "SEK"
    snapshot["changes"] = []
    return snapshot


def old_snapshot() -> dict:
    """What a run froze before issue 14: no period, audience, money, targets or deadlines."""
    return {
        "meta": {
            "municipality": "Lyngdal",
            "subject": "LIM-tilskudd",
            "programmes": ["En av mange"],
            "built_at": "2026-03-01T10:00+01:00",
            "grant": {
                "funder": "Agder fylkeskommune",
                "name": "LIM-tilskudd",
                "amount": "450000",
                "starts_on": "2026-01-01",
                "ends_on": "2026-12-31",
                "position_share": "0.5",
                "own_share": "20",
            },
        },
        "figures": {"participants": 12, "reached_by_gender": {"female": ":", "unknown": "<5"}},
        "series": {"participants_over_time": [["2026-01-01", 3], ["2026-02-01", 12]]},
        "empty": False,
    }
