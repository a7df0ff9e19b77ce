import re
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from audit.models import ChangeEvent
from demo.names import FEMALE_NAMES, MALE_NAMES
from participants.models import CaseNote, Document, Participant
from participants.selectors import participant_list
from placements.models import (
    AttendanceRecord,
    ModuleProgress,
    Placement,
    ProgressEntry,
    ProgressReply,
    Worksite,
)
from placements.qualification import sign_off_undoable
from programs.models import Programme
from summerjobs.models import Application, LotteryRun, Place, PriorityTier, Season, Workplace

pytestmark = pytest.mark.django_db

SIGN_INS = [
    "veileder@lyngdal.example.org",
    "arbeidsleder@lyngdal.example.org",
    "programleder@lyngdal.example.org",
    "admin@lyngdal.example.org",
    "veileder@kristiansand.example.org",
    "arbeidsleder.ternevig@kristiansand.example.org",
    "arbeidsleder.presteheia@kristiansand.example.org",
    "programleder@kristiansand.example.org",
    "handledare@solvik.example.org",
    "handledare.kok@solvik.example.org",
    "handlaggare@solvik.example.org",
    "projektledare@solvik.example.org",
]
# Words that give Norwegian away in a Swedish text (and letters Swedish does not have).
NORWEGIAN = re.compile(
    r"[æøÆØ]|(veien|gata)\b|\b(ikke|jeg|og|hun|uke|også|veileder|arbeidsleder|arbeidstrening|"
    r"fagbrev|NAV|kommune|plass|Demoveien)\b",
)


def test_the_demo_refuses_to_load_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_the_demo_builds_the_promised_world_and_a_second_run_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (
        User.objects.count(),
        Participant.objects.count(),
        Placement.objects.count(),
        ChangeEvent.objects.count(),
        CaseNote.objects.count(),
        Document.objects.count(),
        ProgressReply.objects.count(),
        Application.objects.count(),
        LotteryRun.objects.count(),
    )
    assert set(SIGN_INS) <= set(User.objects.values_list("email", flat=True))
    lyngdal = Participant.objects.filter(municipality__name="Lyngdal")
    assert lyngdal.count() == 10
    assert Participant.objects.filter(municipality__country="SE").exists()
    assert all(
        User.objects.get(email=e).check_password(settings.FOTFESTE_DEMO_PASSWORD) for e in SIGN_INS
    )
    call_command("seed_demo")
    assert counts == (
        User.objects.count(),
        Participant.objects.count(),
        Placement.objects.count(),
        ChangeEvent.objects.count(),
        CaseNote.objects.count(),
        Document.objects.count(),
        ProgressReply.objects.count(),
        Application.objects.count(),
        LotteryRun.objects.count(),
    )


def test_the_presteheia_arbeidsleder_sees_none_of_ternevigs_participants(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    presteheia = User.objects.get(email="arbeidsleder.presteheia@kristiansand.example.org")
    visible = Participant.objects.visible_to(presteheia)
    assert visible.count() == 3
    assert not visible.filter(
        enrollments__placements__worksite__name="Ternevig omsorgssenter"
    ).exists()


def test_the_demo_sign_offs_are_dated_in_the_past_and_offer_no_undo(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    signed = ModuleProgress.objects.exclude(signed_off_at=None)
    assert signed.count() > 10
    assert not any(sign_off_undoable(progress) for progress in signed)
    assert all(p.signed_off_at.date() == p.signed_off_on for p in signed)


def _assert_lived_case(person: Participant) -> None:
    """What a newcomer should find on a record they open first."""
    notes = person.notes.all()
    assert notes.count() >= 5 and notes.filter(confidential=True).count() == 1
    assert len({n.kind for n in notes}) >= 3
    assert len({n.occurred_on for n in notes}) >= notes.count() - 1  # spread over weeks
    assert (max(n.occurred_on for n in notes) - min(n.occurred_on for n in notes)).days > 28
    assert person.goals.filter(milestones__done_on__isnull=False).exists()
    assert person.goals.filter(milestones__done_on__isnull=True).exists()
    tasks = list(person.tasks.all())
    assert any(t.overdue for t in tasks) and any(t.done_at for t in tasks)
    assert person.documents.filter(content_type="application/pdf").count() >= 1
    with person.documents.first().file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    purposes = {c.purpose for c in person.consents.in_force()}
    assert {"share_worksite", "share_nav"} <= purposes
    entries = ProgressEntry.objects.filter(placement__enrollment__participant=person)
    assert entries.count() >= 3 and entries.filter(replies__isnull=False).count() >= 2
    for entry in entries:
        placement = entry.placement
        assert placement.starts_on <= entry.written_on <= date.today()
        # Written on a day the attendance shows the person at work.
        day = AttendanceRecord.objects.get(placement=placement, date=entry.written_on)
        assert day.status in ("present", "late")


def test_the_first_person_a_caseworker_opens_is_a_lived_case(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    veileder = User.objects.get(email="veileder@lyngdal.example.org")
    first = participant_list(user=veileder).first()
    _assert_lived_case(first)
    assert first.tasks.filter(title__startswith="Følg opp").exists()  # in the staff's language
    assert first.goals.filter(category="fagbrev").exists()
    kristiansand = User.objects.get(email="veileder@kristiansand.example.org")
    opened = [p for p in participant_list(user=kristiansand) if p.notes.count() >= 5]
    assert len(opened) >= 2
    for person in opened:
        _assert_lived_case(person)
    # Everyone else keeps a lighter record, and not all of them were seen this month.
    lyngdal = Participant.objects.filter(municipality__name="Lyngdal")
    assert all(p.notes.exists() for p in lyngdal)
    recent = date.today().toordinal() - 30
    quiet = [p for p in lyngdal if max(n.occurred_on.toordinal() for n in p.notes.all()) < recent]
    assert 0 < len(quiet) < lyngdal.count()


def _summer_season_texts() -> list[str]:
    season = Season.objects.get(programme__municipality__name="Solvik")
    places = Place.objects.filter(period__season=season)
    return [
        season.name,
        *season.areas.values_list("name", flat=True),
        *PriorityTier.objects.filter(season=season).values_list("name", flat=True),
        *Workplace.objects.filter(municipality__name="Solvik").values_list("name", flat=True),
        *Workplace.objects.filter(municipality__name="Solvik").values_list("address", flat=True),
        *places.values_list("tasks", flat=True),
        *Application.objects.filter(season=season).values_list("motivation", flat=True),
        *Application.objects.filter(season=season).values_list("school", flat=True),
    ]


def test_solvik_is_swedish_with_its_own_programmes_and_summer_in_summer(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    people = Participant.objects.filter(municipality__name="Solvik")
    for person in Participant.objects.all():
        names = FEMALE_NAMES if person.gender == "female" else MALE_NAMES
        assert person.first_name in names, person.first_name
    assert all(re.fullmatch(r"\d{3} \d{2}", p.postcode) and p.city == "Solvik" for p in people)
    programmes = Programme.objects.filter(municipality__name="Solvik")
    assert {"Arbetsträning", "Jobbspår restaurang", "Jobbspår vård och omsorg"} <= {
        p.name for p in programmes
    }
    texts = [
        *(f"{p.address} {p.postcode} {p.city}" for p in people),
        *programmes.values_list("name", flat=True),
        *programmes.values_list("cohorts__name", flat=True),
        *CaseNote.objects.filter(participant__in=people).values_list("text", flat=True),
        *ProgressEntry.objects.filter(placement__enrollment__participant__in=people).values_list(
            "text", flat=True
        ),
        *ProgressReply.objects.filter(
            entry__placement__enrollment__participant__in=people
        ).values_list("text", flat=True),
        *(g.title for p in people for g in p.goals.all()),
        *(m.title for p in people for g in p.goals.all() for m in g.milestones.all()),
        *(t.title for p in people for t in p.tasks.all()),
        *(d.display_name for p in people for d in p.documents.all()),
        *(c.recipient for p in people for c in p.consents.all()),
        *(
            text
            for site in Worksite.objects.filter(municipality__name="Solvik")
            for text in (site.name, site.address)
        ),
        *_summer_season_texts(),
    ]
    assert texts and not [t for t in texts if t and NORWEGIAN.search(t)]
    summer = Placement.objects.filter(worksite__municipality__name="Solvik", type="feriearbete")
    assert summer.count() == 8
    for placement in summer:
        assert 6 <= placement.starts_on.month <= placement.ends_on.month <= 8
        assert placement.starts_on.year == placement.ends_on.year
        days = placement.attendance.values_list("date", flat=True)
        assert all(placement.starts_on <= d <= placement.ends_on for d in days)
        if placement.ends_on < date.today():
            assert days and placement.status == "ended"
    handlaggare = User.objects.get(email="handlaggare@solvik.example.org")
    first = participant_list(user=handlaggare).first()
    _assert_lived_case(first)
    assert first.tasks.filter(title__startswith="Följ upp").exists()
    season = Season.objects.get(programme__municipality__name="Solvik")
    assert (
        season.programme.name
        == season.name
        == f"Feriearbete {season.periods.first().starts_on.year}"
    )
    assert season.applications.count() == 320 and season.areas.count() == 8
    real = season.lottery_runs.get(dry_run=False)
    assert real.run_by == User.objects.get(email="projektledare@solvik.example.org")
    # The youths followed in case management worked in the season's periods.
    periods = {(p.starts_on, p.ends_on) for p in season.periods.all()}
    assert {(p.starts_on, p.ends_on) for p in summer} <= periods
