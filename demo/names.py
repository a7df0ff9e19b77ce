"""Who the demo's people are: the gender that goes with each first name, and addresses that
belong in their town. Invented; any likeness to a real person or address is chance."""

from participants.vocabularies import Gender

# Every first name the demo uses, Norwegian and Swedish. A name missing here is a mistake in
# the demo data, not a person of unknown gender: ``gender_of`` says so loudly.
FEMALE_NAMES = frozenset(
    {
        # Norway
        "Amalie", "Sara", "Ingrid", "Nora", "Hiba", "Emma", "Maja", "Selma", "Leah", "Yasmin",
        "Aurora", "Vilde", "Ylva", "Mathilde", "Ronja", "Eline",
        # Sweden
        "Alva", "Wilma", "Ebba", "Saga", "Linnea", "Tove", "Elin", "Moa", "Agnes", "Klara",
    }
)  # fmt: skip
MALE_NAMES = frozenset(
    {
        # Norway
        "Jonas", "Mohammed", "Elias", "Filip", "Tobias", "Lukas", "Aksel", "Isak", "Noah",
        "Oskar", "Henrik", "Sander", "Theo", "Kasper", "Jakob", "Adrian",
        # Sweden
        "Elton", "Melvin", "Liam", "Adam", "Hassan", "Nils", "Viktor", "Albin", "Hugo",
    }
)  # fmt: skip

# Streets and postcodes per town: (streets, postcodes, the town as written on a letter).
TOWNS = {
    "Lyngdal": (
        ("Skoleveien", "Bakkeveien", "Furuveien", "Lyngveien", "Elvegata", "Tjørnveien"),
        ("4580", "4580", "4586"),
        "Lyngdal",
    ),
    "Kristiansand": (
        ("Bjørkeveien", "Granstien", "Måkeveien", "Fjellgata", "Solsikkeveien", "Heiveien"),
        ("4621", "4626", "4631", "4635"),
        "Kristiansand",
    ),
    "Solvik": (
        ("Storgatan", "Kyrkogatan", "Skolgatan", "Järnvägsgatan", "Parkvägen", "Ringvägen"),
        ("123 40", "123 45", "123 46", "123 51"),
        "Solvik",
    ),
}


def gender_of(first_name: str) -> str:
    """The gender that goes with a first name of the demo."""
    if first_name in FEMALE_NAMES:
        return Gender.FEMALE
    if first_name in MALE_NAMES:
        return Gender.MALE
    raise ValueError(f"{first_name!r} is in neither of the demo's name lists")


def address_in(town: str, n: int) -> dict[str, str]:
    """The ``n``-th home address in ``town``: street and number, postcode, town."""
    streets, postcodes, city = TOWNS[town]
    return {
        "address": f"{streets[n % len(streets)]} {3 + (n * 7) % 41}",
        "postcode": postcodes[n % len(postcodes)],
        "city": city,
    }
