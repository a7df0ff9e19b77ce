"""What Solvik's records say, in Swedish: the handläggare's journal, the plan, the tasks, the
handledare's notes and the documents, for arbetsträning and Jobbspår, and the shorter record
of a youth's summer job."""

from demo.cases import CaseBook, DocumentText, GoalText, NoteText, ProgressText
from participants.vocabularies import DocumentCategory, Gender, GoalCategory, GoalStatus, NoteKind
from placements.models import AttendanceStatus
from programs.models import ProgrammeKind

_FIELD_WORDS = {
    "helse_omsorg": ("omvårdnad, måltider och aktiviteter på avdelningen", "undersköterska"),
    "renhold": ("städning av gemensamma utrymmen", "lokalvårdare"),
    "vaktmester": ("fastighetsskötsel: underhåll, sophantering och utemiljö", "fastighetsskötare"),
    "kjokken": ("köket: matlagning, disk och servering", "kock"),
}
_PRONOUNS: dict[str, str] = {Gender.FEMALE: "hon", Gender.MALE: "han"}
_EDUCATION = {
    "primary": "Grundskolan, avslutad",
    "upper_started": "Gymnasiet, påbörjat",
    "upper_secondary": "Gymnasiet, avslutat",
}

SWEDISH = CaseBook(
    nav_recipient="Arbetsförmedlingen",
    field_words=_FIELD_WORDS,
    pronouns=_PRONOUNS,
    education=_EDUCATION,
    weekdays="måndag till fredag",
    notes=(
        NoteText(
            ("start", 0),
            NoteKind.MEETING,
            "Inskrivningssamtal. {first} har varit utan arbete och studier i över ett år och "
            "vill pröva praktiskt arbete. Trivs bäst när det händer saker och blir trött av "
            "mycket teori. Vi kom överens om att {pronoun} börjar på {worksite} med {work}, "
            "{hours} timmar om dagen.",
        ),
        NoteText(
            ("placed", 4),
            NoteKind.PHONE,
            "Ringde {first} efter första veckan på {worksite}. Har kommit varje dag och tycker "
            "att det är ovant att gå upp tidigt. Handledaren ger god återkoppling.",
        ),
        NoteText(
            ("ago", 46),
            NoteKind.NAV_MEETING,
            "Trepartsmöte med Arbetsförmedlingen, {first} och handläggare. Insatsen fortsätter "
            "perioden ut. {first} vill gå vidare mot arbete som {trade}; Arbetsförmedlingen "
            "ser över lönebidrag eller nystartsjobb om arbetsplatsen kan erbjuda en deltid.",
        ),
        NoteText(
            ("ago", 33),
            NoteKind.OTHER,
            "{first} berättar att det har varit jobbigt hemma en tid och att "
            "{pronoun} sover dåligt. Har fått en tid på vårdcentralen. {first} vill inte att "
            "handledaren får veta mer än att det är en tung period; det respekterar vi.",
            confidential=True,
        ),
        NoteText(
            ("ago", 19),
            NoteKind.MEETING,
            "Uppföljningssamtal på {worksite} med {first} och handledare {supervisor}. Kommer "
            "i tid och har fått egna fasta uppgifter. Nästa steg: studie- och yrkesvägledning "
            "hos Vuxenutbildningen om vägen till arbete som {trade}.",
        ),
        NoteText(
            ("ago", 8),
            NoteKind.PHONE,
            "{first} ringde och sjukanmälde sig. Hade redan meddelat handledaren själv, som vi "
            "kommit överens om. Räknar med att vara tillbaka i morgon.",
            on_status=AttendanceStatus.EXCUSED,
        ),
        NoteText(
            ("ago", 2),
            NoteKind.MEETING,
            "Genomgång av handlingsplanen. CV:t är klart och {first} vill söka sommarvikariat "
            "på {worksite}. Vi följer upp ansökan och mötet med Vuxenutbildningen om två veckor.",
            follow_up_in=12,
        ),
    ),
    goals=(
        GoalText(
            GoalCategory.EDUCATION,
            "Utbildning till {trade}",
            target_in=540,
            milestones=(
                ("Studie- och yrkesvägledning på Vuxenutbildningen", -30, 26),
                ("Gå introduktionen i arbetsmiljö och säkerhet", -10, 12),
                ("Klara första kursen", 90, None),
                ("Söka till nästa kursstart", 150, None),
            ),
        ),
        GoalText(
            GoalCategory.WORK,
            "Deltidsanställning efter insatsen",
            target_in=240,
            status=GoalStatus.PLANNED,
            milestones=(("Skriva CV", -40, 38), ("Söka sommarvikariat", 20, None)),
        ),
        GoalText(
            GoalCategory.EVERYDAY,
            "Fast dygnsrytm och närvaro varje dag",
            target_in=60,
            milestones=(("Komma i tid fyra veckor i rad", 14, None),),
        ),
    ),
    tasks=(
        ("Skicka uppdaterad handlingsplan till Arbetsförmedlingen", -4, False),
        ("Anmäla till introduktion i arbetsmiljö", -20, True),
        ("Boka möte med studie- och yrkesvägledaren", 9, False),
    ),
    progress=(
        ProgressText(
            ("placed", 10),
            "Första veckorna: {first} är tystlåten men lyssnar noga och följer rutinerna när "
            "de har visats. Behöver påminnas om raster och arbetskläder.",
            (3, 3, 2),
            reply="Tack för att du hör av dig! Jag tar upp raster och arbetskläder på nästa "
            "samtal.",
        ),
        ProgressText(
            ("ago", 35),
            "Har börjat ta egna initiativ och frågar när något är oklart. Samarbetar bra med "
            "personalen.",
            (4, 4, 3),
        ),
        ProgressText(
            ("ago", 20),
            "Har kommit för sent några morgnar. Vi har kommit överens om att {first} skickar "
            "ett sms före klockan åtta om {pronoun} blir försenad.",
            (2, 4, 3),
            reply="Bra att ni har kommit överens om det. Jag pratar med {first} om dygnsrytmen "
            "på torsdag.",
        ),
        ProgressText(
            ("ago", 5),
            "Sköter de fasta uppgifterna på egen hand och hjälper nya kollegor till rätta. "
            "Redo för fler uppgifter nästa månad.",
            (4, 5, 4),
            reply="Roligt att höra. Jag tar med det i planen framåt.",
        ),
    ),
    documents=(
        DocumentText(
            ("ago", 38),
            DocumentCategory.CV,
            "CV.pdf",
            "CV – {name}",
            (
                "Född {born}, bor i {town}",
                "",
                "Arbetslivserfarenhet",
                "{placed_on} – i dag: {programme} på {worksite}: {work}",
                "Sommaren innan: butiksbiträde i två veckor (feriearbete)",
                "",
                "Utbildning",
                "{education}",
                "Introduktion i arbetsmiljö och säkerhet",
                "",
                "Språk: {languages}",
                "Referens: handledare {supervisor}, {worksite}",
            ),
        ),
        DocumentText(
            ("start", 0),
            DocumentCategory.OTHER,
            "Överenskommelse.pdf",
            "Överenskommelse om arbetsträning",
            (
                "Deltagare: {name}",
                "Insats: {programme}",
                "Arbetsplats: {worksite}",
                "Arbetsuppgifter: {work}",
                "Period: {placed_on} – {placed_until}",
                "Arbetstid: {hours} timmar om dagen, {weekdays}",
                "Handledare: {supervisor}",
                "Handläggare: {caseworker}",
                "",
                "Deltagaren följer arbetsplatsens rutiner för tystnadsplikt, arbetsmiljö och",
                "frånvaro. Frånvaro anmäls till handledaren före arbetstidens början.",
                "Överenskommelsen följs upp i trepartssamtal var sjätte vecka.",
                "",
                "Undertecknad av deltagare, handledare och handläggare {start}.",
            ),
        ),
    ),
    agreement_titles={
        ProgrammeKind.WORK_TRAINING: "Överenskommelse om arbetsträning",
        ProgrammeKind.JOBBSPAR: "Överenskommelse om Jobbspår",
    },
    light_notes=(
        NoteText(
            ("start", 1),
            NoteKind.MEETING,
            "Inskrivningssamtal. {first} börjar med {work} på {worksite}. Målet är arbete "
            "eller studier inom ett år.",
        ),
        NoteText(
            ("ago", 12),
            NoteKind.PHONE,
            "Kort uppföljning per telefon. {first} trivs på {worksite} och vill fortsätta. "
            "Inga ändringar i planen.",
        ),
    ),
    light_goal=GoalText(
        GoalCategory.WORK,
        "Arbete eller studier inom ett år",
        target_in=300,
        milestones=(("Skriva CV", 30, None),),
    ),
    light_progress=(
        ProgressText(
            ("placed", 20),
            "Kommer i tid och gör sitt jobb. Kan få fler uppgifter efter hand.",
            (4, 3, 3),
        ),
    ),
)

SUMMER = CaseBook(
    nav_recipient="Arbetsförmedlingen",
    field_words=_FIELD_WORDS,
    pronouns=_PRONOUNS,
    education=_EDUCATION,
    weekdays="måndag till fredag",
    light_notes=(
        NoteText(
            ("placed", -3),
            NoteKind.MEETING,
            "Introduktionsträff inför feriearbetet. {first} ska arbeta med {work} på "
            "{worksite}, {hours} timmar om dagen i tre veckor. Vi gick igenom arbetstider, "
            "frånvaroanmälan och tystnadsplikt.",
        ),
        NoteText(
            ("placed", 9),
            NoteKind.PHONE,
            "Avstämning mitt i perioden med handledare {supervisor}: {first} kommer i tid och "
            "trivs. Inget att åtgärda.",
        ),
    ),
    light_goal=None,
    light_progress=(
        ProgressText(
            ("placed", 7),
            "Kommer i tid och frågar när något är oklart. Har hjälpt till med {work} och fått "
            "beröm av kollegorna.",
            (4, 4, 3),
        ),
        ProgressText(
            ("placed", 17),
            "Sista veckan: {first} har skött sina uppgifter självständigt. Vi skriver gärna "
            "ett intyg.",
            (5, 4, 4),
            reply="Tack! Intyget skickas hem till {first} efter perioden.",
        ),
    ),
)
