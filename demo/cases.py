"""Lived cases: what a record holds after weeks of work with a young person.

The people a newcomer opens first get a full case (journal notes over weeks, one of them
confidential, an action plan with goals and milestones, tasks, a CV and an agreement, consent
to share with NAV or Arbetsförmedlingen, the arbeidsleder's progress entries and the
caseworker's replies); everyone else a lighter one. The texts are a country's ``CaseBook``;
this module holds the Norwegian one and the mechanism, demo/solvik.py the Swedish ones.

Everything is written through the services, dated relative to today and to the person's own
enrollment and placement, so the record is consistent whatever day the demo is loaded.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from accounts.models import User
from demo.pdf import text_pdf
from participants.consents import consent_record, document_upload
from participants.journal import note_create, task_create, task_set_done
from participants.models import Document, Enrollment, Milestone, Task
from participants.plan import goal_create, goal_update, milestone_add, milestone_set_done
from participants.vocabularies import (
    ConsentPurpose,
    DocumentCategory,
    Gender,
    GoalCategory,
    GoalStatus,
    NoteKind,
)
from placements.models import AttendanceRecord, AttendanceStatus, Placement, ProgressReply
from placements.progress import progress_reply, progress_write

# When something happened: ("ago", n) is n days before today, ("start", n) n days after the
# enrollment began, ("placed", n) n days after the placement began. Never after today.
When = tuple[str, int]


@dataclass(frozen=True)
class NoteText:
    when: When
    kind: str
    text: str
    confidential: bool = False
    follow_up_in: int | None = None  # days from today
    # Snap to the latest day the attendance shows with this status (a call about being ill
    # lands on a day recorded as excused).
    on_status: str = ""


@dataclass(frozen=True)
class GoalText:
    category: str
    title: str
    target_in: int  # days from today
    status: str = GoalStatus.IN_PROGRESS
    # (title, due in days from today, done this many days ago or None)
    milestones: tuple[tuple[str, int, int | None], ...] = ()


@dataclass(frozen=True)
class ProgressText:
    when: When
    text: str
    ratings: tuple[int, int, int]  # punctuality, cooperation, independence
    reply: str = ""


@dataclass(frozen=True)
class DocumentText:
    when: When  # uploaded
    category: str
    file_name: str  # shown in the list; never a person's name
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class CaseBook:
    """A country's texts. ``{first}``, ``{name}``, ``{worksite}``, ``{work}``, ``{trade}``,
    ``{supervisor}``, ``{caseworker}``, ``{programme}``, ``{town}``, ``{pronoun}`` and the
    dates are filled in from the person's own record."""

    nav_recipient: str  # "{town}" may be used
    field_words: dict[str, tuple[str, str]]  # work field -> (the work, the trade)
    pronouns: dict[str, str]  # gender -> pronoun
    education: dict[str, str]  # education level -> as a CV says it
    weekdays: str
    light_notes: tuple[NoteText, ...]
    light_goal: GoalText | None
    light_progress: tuple[ProgressText, ...]
    notes: tuple[NoteText, ...] = ()
    goals: tuple[GoalText, ...] = ()
    tasks: tuple[tuple[str, int, bool], ...] = ()  # title, due in days from today, done
    progress: tuple[ProgressText, ...] = ()
    documents: tuple[DocumentText, ...] = ()
    # placement type or programme kind -> the agreement's title
    agreement_titles: dict[str, str] = field(default_factory=dict)


def case_write(
    *, today: date, enrollment: Enrollment, book: CaseBook, full: bool, index: int = 0
) -> None:
    """Write one person's record; nothing when it has been written before. ``index`` spreads
    the lighter records' latest notes over the weeks, so "no note in 30 days" picks some."""
    person = enrollment.participant
    if person.notes.exists():
        return
    # What the services write in words (a follow-up task's title, the history's "(written)")
    # is in the person's municipality's language, as if its own staff had written it.
    with translation.override(person.municipality.default_language):
        _case_write(today, enrollment, book, full, index)


def _case_write(
    today: date, enrollment: Enrollment, book: CaseBook, full: bool, index: int
) -> None:
    person = enrollment.participant
    placement = enrollment.placements.order_by("starts_on", "pk").first()
    clock = _Clock(today, enrollment.starts_on or today, placement, enrollment.ends_on or today)
    facts = _facts(enrollment, placement, book)
    notes = book.notes if full else [_later(note, 6 * index) for note in book.light_notes]
    for note in notes:
        _note(clock, enrollment, note, facts)
    # A plan is for people still in the programme; those who have left keep their journal.
    if enrollment.ends_on is None:
        light = [book.light_goal] if book.light_goal is not None else []
        for goal in book.goals if full else light:
            _goal(clock, enrollment, goal, facts)
    if placement is not None and placement.supervisor is not None:
        for entry in book.progress if full else book.light_progress:
            _progress(clock, enrollment, placement, placement.supervisor, entry, facts)
    if not full:
        return
    for title, due_in, done in book.tasks:
        _task(clock, enrollment, title.format_map(facts), due_in, done)
    consent_record(
        actor=_caseworker(enrollment),
        participant=person,
        purpose=ConsentPurpose.SHARE_NAV,
        recipient=book.nav_recipient.format_map(facts),
        given_on=clock.at(("start", 0)),
    )
    for document in book.documents:
        _document(clock, enrollment, document, facts, book)


@dataclass(frozen=True)
class _Clock:
    today: date
    enrolled_on: date
    placement: Placement | None
    until: date  # today, or the day the person left

    def at(self, when: When) -> date:
        anchor, days = when
        if anchor == "ago":
            day = self.today - timedelta(days=days)
        elif anchor == "placed" and self.placement is not None:
            day = self.placement.starts_on + timedelta(days=days)
        else:
            day = self.enrolled_on + timedelta(days=days)
        return max(min(day, self.until), self.enrolled_on)

    def attended(self, day: date, status: str = "") -> date:
        """The latest day on or before ``day`` the attendance shows (with ``status``), so an
        observation is written on a day the person was there."""
        records = AttendanceRecord.objects.filter(placement=self.placement, date__lte=day)
        statuses = [status] if status else [AttendanceStatus.PRESENT, AttendanceStatus.LATE]
        found = records.filter(status__in=statuses).order_by("-date").first()
        return found.date if found else day


def _later(note: NoteText, days: int) -> NoteText:
    anchor, ago = note.when
    return replace(note, when=(anchor, ago + days)) if anchor == "ago" else note


def _facts(enrollment: Enrollment, placement: Placement | None, book: CaseBook) -> dict:
    person, caseworker = enrollment.participant, enrollment.caseworker
    supervisor = placement.supervisor if placement and placement.supervisor else None
    work, trade = book.field_words.get(placement.field if placement else "", ("", ""))
    placed_until = placement.ends_on if placement and placement.ends_on else None
    return {
        "first": person.first_name,
        "name": f"{person.first_name} {person.last_name}",
        "pronoun": book.pronouns.get(person.gender, person.first_name),
        "town": person.municipality.name,
        "born": str(person.birth_date.year) if person.birth_date else "",
        "education": book.education.get(person.education_level, ""),
        "languages": person.languages,
        "worksite": placement.worksite.name if placement else "",
        "work": work,
        "trade": trade,
        "supervisor": supervisor.full_name if supervisor else "",
        "caseworker": caseworker.full_name if caseworker else "",
        "programme": enrollment.programme.name,
        "start": _date(enrollment.starts_on),
        "placed_on": _date(placement.starts_on) if placement else "",
        "placed_until": _date(placed_until) if placed_until else "",
        "hours": _number(placement.hours_per_day) if placement else "",
        "weekdays": book.weekdays,
    }


def _number(value: Decimal) -> str:
    """7.50 as a Scandinavian writes it: 7,5."""
    return f"{value.normalize():f}".replace(".", ",")


def _date(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def _note(clock: _Clock, enrollment: Enrollment, note: NoteText, facts: dict) -> None:
    day = clock.at(note.when)
    if note.on_status and clock.placement is not None:
        day = clock.attended(day, note.on_status)
    note_create(
        actor=_caseworker(enrollment),
        participant=enrollment.participant,
        kind=note.kind,
        occurred_on=day,
        text=note.text.format_map(facts),
        confidential=note.confidential,
        follow_up_on=clock.today + timedelta(days=note.follow_up_in)
        if note.follow_up_in is not None
        else None,
    )


def _caseworker(enrollment: Enrollment) -> User:
    """The one who writes the case: every enrollment of the demo has a caseworker."""
    assert enrollment.caseworker is not None
    return enrollment.caseworker


def _goal(clock: _Clock, enrollment: Enrollment, goal: GoalText, facts: dict) -> None:
    actor = _caseworker(enrollment)
    made = goal_create(
        actor=actor,
        participant=enrollment.participant,
        category=goal.category,
        title=goal.title.format_map(facts),
        target_on=clock.today + timedelta(days=goal.target_in),
    )
    if goal.status != made.status:
        goal_update(
            actor=actor,
            goal=made,
            expected_version=made.version,
            category=made.category,
            title=made.title,
            target_on=made.target_on,
            status=goal.status,
        )
    for title, due_in, done_ago in goal.milestones:
        milestone = milestone_add(
            actor=actor,
            goal=made,
            title=title.format_map(facts),
            due_on=clock.today + timedelta(days=due_in),
        )
        if done_ago is not None:
            milestone_set_done(actor=actor, milestone=milestone, done=True)
            # Done on the day it was done, not the day the demo was loaded.
            Milestone.objects.filter(pk=milestone.pk).update(done_on=clock.at(("ago", done_ago)))


def _task(clock: _Clock, enrollment: Enrollment, title: str, due_in: int, done: bool) -> None:
    actor = _caseworker(enrollment)
    due_on = clock.today + timedelta(days=due_in)
    task = task_create(
        actor=actor,
        participant=enrollment.participant,
        title=title,
        due_on=due_on,
        assignee=actor,
    )
    if done:
        task_set_done(actor=actor, task=task, done=True)
        Task.objects.filter(pk=task.pk).update(done_at=_moment(min(due_on, clock.today), 14))


def _progress(
    clock: _Clock,
    enrollment: Enrollment,
    placement: Placement,
    supervisor: User,
    entry: ProgressText,
    facts: dict,
) -> None:
    day = clock.attended(min(clock.at(entry.when), placement.ends_on or clock.today))
    if day < placement.starts_on:
        return
    punctuality, cooperation, independence = entry.ratings
    written = progress_write(
        actor=supervisor,
        placement=placement,
        text=entry.text.format_map(facts),
        written_on=day,
        punctuality=punctuality,
        cooperation=cooperation,
        independence=independence,
    )
    if entry.reply:
        reply = progress_reply(
            actor=_caseworker(enrollment), entry=written, text=entry.reply.format_map(facts)
        )
        # Answered the next working day, as a caseworker does.
        answered = min(day + timedelta(days=1 if day.weekday() < 4 else 3), clock.today)
        ProgressReply.objects.filter(pk=reply.pk).update(created_at=_moment(answered, 9))


def _document(
    clock: _Clock, enrollment: Enrollment, document: DocumentText, facts: dict, book: CaseBook
) -> None:
    title, placement = document.title, clock.placement
    if document.category == DocumentCategory.OTHER and placement is not None:
        titles = book.agreement_titles
        title = titles.get(placement.type) or titles.get(enrollment.programme.kind, title)
    lines = [line.format_map(facts) for line in document.lines]
    content = text_pdf(title.format_map(facts), lines)
    stored = document_upload(
        actor=_caseworker(enrollment),
        participant=enrollment.participant,
        category=document.category,
        upload=SimpleUploadedFile(document.file_name, content, "application/pdf"),
    )
    Document.objects.filter(pk=stored.pk).update(uploaded_at=_moment(clock.at(document.when), 11))


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


# --- the Norwegian book ------------------------------------------------------------------------

NORWEGIAN = CaseBook(
    nav_recipient="NAV {town}",
    field_words={
        "helse_omsorg": ("stell, måltider og aktiviteter på avdelingen", "helsearbeider"),
        "renhold": ("renhold av fellesarealer og pasientrom", "renholdsoperatør"),
        "vaktmester": ("vaktmestertjenesten: vedlikehold, avfall og uteområdet", "byggdrifter"),
        "kjokken": ("kjøkkenet: matlaging, oppvask og servering", "kokk"),
    },
    pronouns={Gender.FEMALE: "hun", Gender.MALE: "han"},
    education={
        "primary": "Grunnskole, fullført",
        "upper_started": "Videregående skole, påbegynt",
        "upper_secondary": "Videregående skole, fullført",
    },
    weekdays="mandag til fredag",
    notes=(
        NoteText(
            ("start", 0),
            NoteKind.MEETING,
            "Kartleggingssamtale. {first} har vært uten skole og jobb i over et år og vil prøve "
            "seg i praktisk arbeid. Liker å jobbe med hendene, blir sliten av mye teori. Avtalt "
            "arbeidstrening på {worksite} med {work}, {hours} timer om dagen.",
        ),
        NoteText(
            ("placed", 4),
            NoteKind.PHONE,
            "Ringte {first} etter første uke på {worksite}. Har møtt hver dag og synes det er "
            "uvant å stå opp tidlig. Arbeidslederen gir gode tilbakemeldinger på innsatsen.",
        ),
        NoteText(
            ("ago", 46),
            NoteKind.NAV_MEETING,
            "Samarbeidsmøte med NAV {town}, {first} og veileder. Arbeidstreningen fortsetter "
            "ut perioden. {first} vil gå videre mot fagbrev som {trade}; NAV vurderer "
            "lønnstilskudd hvis arbeidsstedet kan tilby en deltidsstilling senere.",
        ),
        NoteText(
            ("ago", 33),
            NoteKind.OTHER,
            "{first} forteller at det har vært vanskelig hjemme en periode og at "
            "{pronoun} sover dårlig. Har fått time hos fastlegen. {first} vil ikke at "
            "arbeidslederen skal vite mer enn at det er en tung periode; det respekterer vi.",
            confidential=True,
        ),
        NoteText(
            ("ago", 19),
            NoteKind.MEETING,
            "Trepartssamtale på {worksite} med {first} og arbeidsleder {supervisor}. Møter "
            "presis og har fått faste oppgaver. Neste steg: kartlegge realkompetansen mot "
            "fagbrev sammen med opplæringskontoret.",
        ),
        NoteText(
            ("ago", 8),
            NoteKind.PHONE,
            "{first} ringte og meldte seg syk. Hadde allerede gitt beskjed til arbeidslederen "
            "selv, slik vi avtalte. Regner med å være tilbake i morgen.",
            on_status=AttendanceStatus.EXCUSED,
        ),
        NoteText(
            ("ago", 2),
            NoteKind.MEETING,
            "Gjennomgang av handlingsplanen. CV-en er ferdig, og {first} vil søke sommerjobb "
            "på {worksite}. Følger opp søknaden og møtet med opplæringskontoret om to uker.",
            follow_up_in=12,
        ),
    ),
    goals=(
        GoalText(
            GoalCategory.TRADE_CERTIFICATE,
            "Fagbrev som {trade}",
            target_in=540,
            milestones=(
                ("Kartlegge realkompetanse med opplæringskontoret", -30, 26),
                ("Fullføre HMS-kurs", -10, 12),
                ("Bestå første modul", 90, None),
                ("Melde seg opp til fagprøven", 420, None),
            ),
        ),
        GoalText(
            GoalCategory.WORK,
            "Deltidsjobb etter arbeidstreningen",
            target_in=240,
            status=GoalStatus.PLANNED,
            milestones=(("Skrive CV", -40, 38), ("Søke sommerjobb", 20, None)),
        ),
        GoalText(
            GoalCategory.EVERYDAY,
            "Fast døgnrytme og oppmøte hver dag",
            target_in=60,
            milestones=(("Møte presis fire uker på rad", 14, None),),
        ),
    ),
    tasks=(
        ("Sende oppdatert handlingsplan til NAV", -4, False),
        ("Melde på HMS-kurs", -20, True),
        ("Avtale møte med opplæringskontoret", 9, False),
    ),
    progress=(
        ProgressText(
            ("placed", 10),
            "Første uker: {first} er stille, men lytter godt og følger rutinene når de er vist. "
            "Trenger påminnelse om pauser og arbeidsklær.",
            (3, 3, 2),
            reply="Takk for beskjed! Jeg tar opp pauser og arbeidsklær i neste samtale.",
        ),
        ProgressText(
            ("ago", 35),
            "Har begynt å ta initiativ selv og spør når noe er uklart. Samarbeider godt med de "
            "faste ansatte.",
            (4, 4, 3),
        ),
        ProgressText(
            ("ago", 20),
            "Har kommet for sent noen morgener. Vi har avtalt at {first} sender melding før "
            "klokka åtte hvis {pronoun} blir forsinket.",
            (2, 4, 3),
            reply="Bra at dere har avtalt det. Jeg snakker med {first} om døgnrytmen på torsdag.",
        ),
        ProgressText(
            ("ago", 5),
            "Gjør de faste oppgavene på egen hånd og hjelper nye kolleger i gang. Klar for "
            "flere oppgaver neste måned.",
            (4, 5, 4),
            reply="Flott å høre. Jeg tar det med inn i planen mot fagbrev.",
        ),
    ),
    documents=(
        DocumentText(
            ("ago", 38),
            DocumentCategory.CV,
            "CV.pdf",
            "CV – {name}",
            (
                "Født {born}, bor i {town}",
                "",
                "Arbeidserfaring",
                "{placed_on} – d.d.: Arbeidstrening på {worksite}: {work}",
                "Sommeren før: butikkmedarbeider i to uker (sommerjobb)",
                "",
                "Utdanning",
                "{education}",
                "HMS-kurs for arbeidstrening",
                "",
                "Språk: {languages}",
                "Referanse: arbeidsleder {supervisor}, {worksite}",
            ),
        ),
        DocumentText(
            ("start", 0),
            DocumentCategory.OTHER,
            "Praksisavtale.pdf",
            "Avtale om arbeidstrening",
            (
                "Deltaker: {name}",
                "Program: {programme}",
                "Arbeidssted: {worksite}",
                "Arbeidsoppgaver: {work}",
                "Periode: {placed_on} – {placed_until}",
                "Arbeidstid: {hours} timer om dagen, {weekdays}",
                "Arbeidsleder: {supervisor}",
                "Veileder: {caseworker}",
                "",
                "Deltakeren følger arbeidsstedets rutiner for taushetsplikt, HMS og fravær.",
                "Fravær meldes til arbeidslederen før arbeidstid.",
                "Avtalen evalueres i trepartssamtale hver sjette uke.",
                "",
                "Signert av deltaker, arbeidsleder og veileder {start}.",
            ),
        ),
    ),
    agreement_titles={
        "laerekandidat": "Avtale om praksisplass som lærekandidat",
        "arbeidstrening": "Avtale om arbeidstrening",
    },
    light_notes=(
        NoteText(
            ("start", 1),
            NoteKind.MEETING,
            "Inntakssamtale. {first} begynner med {work} på {worksite}. Målet er jobb eller "
            "skole innen et år.",
        ),
        NoteText(
            ("placed", 30),
            NoteKind.PHONE,
            "Kort oppfølging på telefon. {first} trives på {worksite} og vil fortsette. Ingen "
            "endringer i planen.",
        ),
    ),
    light_goal=GoalText(
        GoalCategory.WORK,
        "Jobb eller skole etter arbeidstreningen",
        target_in=300,
        milestones=(("Skrive CV", 30, None),),
    ),
    light_progress=(
        ProgressText(
            ("placed", 20),
            "Møter stabilt og gjør jobben sin. Kan få flere oppgaver etter hvert.",
            (4, 3, 3),
        ),
    ),
)
