"""Word lists for the synthetic city. Surnames and place names are built from syllables, so
they sound Norwegian without being taken from anyone; any likeness to a real person is chance.
"""

FEMALE_FIRST_NAMES = (
    "Emma", "Nora", "Sara", "Ingrid", "Maja", "Selma", "Aurora", "Leah", "Ella", "Frida",
    "Hedda", "Tiril", "Vilde", "Sofie", "Amalie", "Hanna", "Thea", "Yasmin", "Hiba", "Amina",
    "Fatima", "Zahra", "Julia", "Oliwia", "Marta", "Saron", "Helen", "Linh", "Mariam", "Ronja",
)  # fmt: skip
MALE_FIRST_NAMES = (
    "Jonas", "Elias", "Filip", "Tobias", "Lukas", "Aksel", "Isak", "Noah", "Oskar", "Henrik",
    "Magnus", "Sander", "Jakob", "Emil", "Mathias", "Sebastian", "Kasper", "Johannes", "Ola",
    "Mohammed", "Ali", "Omar", "Yusuf", "Abdi", "Daniel", "Mikael", "Adrian", "Patryk", "Kacper",
    "Dawit", "Robel", "Minh", "Ibrahim", "Hassan", "Theo", "William", "Ulrik", "Vetle", "Sindre",
)  # fmt: skip
FIRST_NAMES = FEMALE_FIRST_NAMES + MALE_FIRST_NAMES

_SURNAME_HEADS = (
    "Fjell", "Brekke", "Lind", "Sølv", "Kvin", "Hesk", "Ros", "Skjæve", "Tveite", "Dverg",
    "Hamre", "Kjerr", "Brå", "Tors", "Gimle", "Strøm", "Bjørke", "Vass", "Nord", "Øy",
    "Lyng", "Myr", "Rogn", "Hauk", "Grinde", "Flate", "Kvål", "Stein", "Eike", "Furu",
)  # fmt: skip

_SURNAME_TAILS = (
    "stad", "vik", "tveit", "li", "berg", "laug", "dal", "heim", "nes", "sand",
    "mo", "voll", "rud", "haug", "land", "bø", "seth", "åsen", "mark", "fjord",
)  # fmt: skip

PLACE_HEADS = (
    "Åsheim", "Bakkely", "Solvang", "Granli", "Lunde", "Kleiva", "Haugtun", "Nyheim", "Tangen",
    "Storå", "Breivika", "Vestly", "Østre Moen", "Furulund", "Eikelund", "Rognlia", "Sjøsiden",
    "Brattli", "Skogly", "Fagerli", "Lindeberg", "Tunheim", "Heggeli", "Bjørkely", "Klokkerhaug",
)  # fmt: skip

# Worksite name endings by kind (placements.models.WorksiteKind values).
SITE_ENDINGS = {
    "helsehus": ("helsehus",),
    "omsorgssenter": ("omsorgssenter", "sykehjem", "bo- og servicesenter"),
    "kitchen": ("storkjøkken", "kantine"),
    "school": ("skole", "barnehage", "ungdomsskole"),
    "other": ("driftsstasjon", "bibliotek", "gjenbruksstasjon", "idrettshall", "kirkegård"),
}

STREET_ENDINGS = ("veien", "gata", "bakken", "stien", "lia")

LANGUAGES = (
    "norsk", "norsk", "norsk", "norsk, engelsk", "arabisk, norsk", "somali, norsk",
    "tigrinja, norsk", "polsk, norsk", "dari, norsk", "ukrainsk, russisk", "vietnamesisk, norsk",
)  # fmt: skip

NOTE_TEXTS = (
    "Samtale om hvordan arbeidstreningen går. Trives med oppgavene og ønsker flere timer.",
    "Oppfølgingsmøte med arbeidsleder. Møter stabilt, trenger hjelp med å planlegge uka.",
    "Telefon: har vært syk to dager, melder fra selv. Avtalt nytt møte neste uke.",
    "Gjennomgang av handlingsplanen. Delmål om språkkurs er nådd.",
    "Møte med NAV om videre løp og tiltaksplass. Enighet om forlengelse.",
    "Hjemmebesøk etter avtale. Snakket om døgnrytme og transport til arbeidsstedet.",
    "Samtale om fagbrev og hvilke moduler som gjenstår.",
    "Kort prat etter fravær. Ønsker å fortsette, trenger tettere oppfølging en periode.",
)

PROGRESS_TEXTS = (
    "Møter presis og tar imot veiledning. Jobber godt sammen med de andre på avdelingen.",
    "Har fått ansvar for egne oppgaver på kjøkkenet og løser dem selvstendig.",
    "Noe fravær denne måneden, men god innsats de dagene hen er her.",
    "Har lært rutinene på renhold og trenger mindre oppfølging nå.",
    "Viser interesse for pasientarbeid; kan prøve flere oppgaver i stell.",
    "Trenger fortsatt hjelp med å komme i gang om morgenen. Avtalt fast oppstartsrutine.",
)

TASK_TITLES = (
    "Avtale nytt oppfølgingsmøte",
    "Sende oppdatert handlingsplan til NAV",
    "Sjekke status på lærekontrakt",
    "Melde på norskkurs",
    "Innhente attest fra arbeidsleder",
    "Forlenge samtykke",
)

GOALS = {
    "fagbrev": ("Oppnå fagbrev", ("Bestå modul", "Melde opp til fagprøve", "Ta fagprøven")),
    "work": ("Fast deltidsstilling", ("Skrive CV", "Søke tre stillinger", "Jobbintervju")),
    "education": ("Fullføre videregående", ("Søke opptak", "Starte på Vg2", "Bestå eksamen")),
    "language": ("Norsk på B1-nivå", ("Starte på kurs", "Ta prøve i norsk", "Nå B1 muntlig")),
    "everyday": ("Stabil hverdag", ("Fast døgnrytme", "Egen bolig", "Bruke kollektivtransport")),
}

STOP_REASONS = (
    "Sluttet etter eget ønske",
    "Flyttet fra kommunen",
    "Helsemessige årsaker",
    "Mistet kontakten",
)

STAFF_TITLES = {
    "veileder": "Veileder",
    "programleder": "Programleder",
    "arbeidsleder": "Arbeidsleder",
    "admin": "Systemansvarlig",
}


def surname(n: int) -> str:
    """The ``n``-th invented surname: every combination of a head and a tail, in turn."""
    head = _SURNAME_HEADS[n % len(_SURNAME_HEADS)]
    tail = _SURNAME_TAILS[(n // len(_SURNAME_HEADS)) % len(_SURNAME_TAILS)]
    return head + tail


SURNAME_COUNT = len(_SURNAME_HEADS) * len(_SURNAME_TAILS)
