"""Word lists for the synthetic Swedish municipalities of the national world, in Swedish.
Surnames and place names are built from syllables, as for the Norwegian ones (names.py): any
likeness to a real person is chance."""

from demo.solvik import CARE_MODULES, CARE_TRACK

FEMALE_FIRST_NAMES = (
    "Alice", "Maja", "Vera", "Elsa", "Astrid", "Wilma", "Ebba", "Saga", "Alma", "Signe",
    "Ines", "Klara", "Tilde", "Ronja", "Lova", "Nour", "Hawa", "Leila", "Agnes", "Selin",
)  # fmt: skip
MALE_FIRST_NAMES = (
    "Hugo", "Lucas", "Liam", "William", "Elias", "Noah", "Oscar", "Vincent", "Alfred", "Melvin",
    "Nils", "Viggo", "Elton", "Loke", "Ahmed", "Yousef", "Kerim", "Milo", "Algot", "Sixten",
)  # fmt: skip
FIRST_NAMES = FEMALE_FIRST_NAMES + MALE_FIRST_NAMES

SURNAME_HEADS = (
    "Ek", "Al", "Björk", "Sjö", "Bro", "Ljung", "Lönn", "Dahl", "Hag", "Ås",
    "Norr", "Gran", "Lind", "Tall", "Vik", "Sten", "Rönn", "Mal", "Fur", "Sol",
)  # fmt: skip
SURNAME_TAILS = (
    "gren", "qvist", "lund", "ström", "holm", "blad", "mark", "bäck", "lid", "berg",
    "vall", "by", "ros", "hed",
)  # fmt: skip

PLACE_HEADS = (
    "Ekbacken", "Solgården", "Björkhagen", "Lindängen", "Sjöudden", "Tallåsen", "Rönnbacka",
    "Furulid", "Hagaberg", "Ljungdalen", "Stenhamra", "Älvsbacka", "Åsgården", "Vikslund",
    "Granbacken", "Lönnlunden", "Norrgården", "Sörgården", "Österäng", "Västerlid",
)  # fmt: skip

# Worksite name endings by kind (placements.models.WorksiteKind values).
SITE_ENDINGS = {
    "helsehus": ("vård- och omsorgsboende",),
    "omsorgssenter": ("äldreboende", "servicehus", "korttidsboende"),
    "kitchen": ("storkök", "tillagningskök"),
    "school": ("skola", "förskola", "gymnasieskola"),
    "other": ("fastighetsservice", "bibliotek", "återvinningscentral", "sporthall", "park"),
}

STREET_ENDINGS = ("vägen", "gatan", "backen", "stigen", "allén")

LANGUAGES = (
    "svenska", "svenska", "svenska", "svenska, engelska", "arabiska, svenska",
    "somaliska, svenska", "tigrinja, svenska", "persiska, svenska", "dari, svenska",
    "ukrainska, ryska", "polska, svenska",
)  # fmt: skip

NOTE_TEXTS = (
    "Samtal om hur arbetsträningen går. Trivs med uppgifterna och vill ha fler timmar.",
    "Uppföljningsmöte med handledaren. Kommer i tid, behöver stöd med att planera veckan.",
    "Telefon: har varit sjuk två dagar, hör av sig själv. Nytt möte bokat nästa vecka.",
    "Genomgång av handlingsplanen. Delmålet om sfi-kursen är uppnått.",
    "Trepartssamtal med Arbetsförmedlingen om fortsatt insats. Överens om förlängning.",
    "Hembesök enligt överenskommelse. Pratade om dygnsrytm och resor till arbetsplatsen.",
    "Samtal om vård- och omsorgsutbildningen och vilka kurser som återstår.",
    "Kort samtal efter frånvaro. Vill fortsätta, behöver tätare uppföljning en period.",
)

PROGRESS_TEXTS = (
    "Kommer i tid och tar emot handledning. Samarbetar bra med kollegorna på avdelningen.",
    "Har fått ansvar för egna uppgifter i köket och löser dem självständigt.",
    "En del frånvaro den här månaden, men god insats de dagar hen är här.",
    "Har lärt sig rutinerna i lokalvården och behöver mindre stöd nu.",
    "Visar intresse för omvårdnad; kan pröva fler uppgifter i det dagliga arbetet.",
    "Behöver fortfarande hjälp att komma igång på morgonen. Fast startrutin överenskommen.",
)

TASK_TITLES = (
    "Boka nytt uppföljningssamtal",
    "Skicka uppdaterad handlingsplan till Arbetsförmedlingen",
    "Kontrollera anmälan till vuxenutbildningen",
    "Anmäla till sfi",
    "Be handledaren om ett intyg",
    "Förnya samtycket",
)
FOLLOW_UP_TASK = "Följ upp anteckningen"

GOALS = {
    "fagbrev": (
        "Bli undersköterska",
        ("Klara en kurs", "Anmäla till nästa kurs", "Ta examen från utbildningen"),
    ),
    "work": ("Fast deltidsanställning", ("Skriva CV", "Söka tre jobb", "Anställningsintervju")),
    "education": ("Gymnasieexamen", ("Söka till komvux", "Börja kursen", "Klara kursen")),
    "language": ("Svenska på B1-nivå", ("Börja på sfi", "Klara sfi D", "Nå B1 muntligt")),
    "everyday": ("Stabil vardag", ("Fast dygnsrytm", "Eget boende", "Åka kollektivt")),
}

STOP_REASONS = (
    "Avslutade på egen begäran",
    "Flyttade från kommunen",
    "Hälsoskäl",
    "Tappade kontakten",
)
PAUSE_REASON = "Uppehåll i insatsen"

STAFF_TITLES = {
    "veileder": "Handläggare",
    "programleder": "Projektledare",
    "arbeidsleder": "Handledare",
    "admin": "Systemförvaltare",
}

# Field (placements.models.WorkField value) -> (track, its modules): the health and social care
# programme, as the demo's Solvik has it; the other fields have no programme of their own here.
TRACKS = {"helse_omsorg": (CARE_TRACK, tuple(CARE_MODULES))}
TRAINING_OFFICE = "Vuxenutbildningen"

# (starts on month, day, name) of the two intakes a year, and the summer's.
SEASONS = ((1, 10, "Vår"), (8, 15, "Höst"))
SUMMER_COHORT = "Sommar {year}"

# Funder, name, amount, and how many of the first programmes the grant funds.
GRANTS = (
    ("Svenska ESF-rådet", "ESF+ – arbetsmarknadsinsatser {year}", "1500000", 2),
    ("Länsstyrelsen", "Utvecklingsmedel arbetsträning {year}", "600000", 1),
)
DEADLINES = ("Lägesrapport", "Slutrapport")
