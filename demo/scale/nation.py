"""The municipalities of a national world: the city the benchmarks sign in to, built exactly as
a single city of its size, then others of varied sizes, Norwegian and a few Swedish, each with
staff at its own domain. Names are invented."""

import random
from dataclasses import dataclass

from accounts.models import Country

NO, SE = Country.NORWAY, Country.SWEDEN
# In the order they are built after the first city; a Swedish one comes second, so that a
# small world of three has one.
OTHERS = (
    ("Elvedal", NO), ("Tallsjö", SE), ("Fjellsund", NO), ("Bergnes", NO), ("Dalsvik", NO),
    ("Eikestrand", NO), ("Fagervoll", NO), ("Furuheim", NO), ("Ekhult", SE), ("Granlia", NO),
    ("Haugvik", NO), ("Heggfjord", NO), ("Kvitnes", NO), ("Langøysund", NO), ("Lyngheim", NO),
    ("Björkås", SE), ("Mosfjord", NO), ("Myrnes", NO), ("Nordheim", NO), ("Rognvik", NO),
    ("Sandvoll", NO), ("Skogby", NO), ("Lönnby", SE), ("Solnes", NO), ("Steinfjord", NO),
    ("Storvik", NO), ("Tindvik", NO), ("Ulvøy", NO), ("Vestvik", NO), ("Øyheim", NO),
    ("Austhavn", NO), ("Granköping", SE), ("Kleivdal", NO), ("Åsvik", NO),
)  # fmt: skip
MAX_MUNICIPALITIES = len(OTHERS) + 1
# The other municipalities' sizes fall off as 1 / rank ** SPREAD (shuffled): at 90 000 people in
# 29 of them, from about 13 000 to 1 300.
SPREAD = 0.7


@dataclass(frozen=True)
class Town:
    """One municipality to build: its people are drawn from ``random.Random(seed)``."""

    name: str
    country: str
    participants: int
    seed: int | str


def towns(
    *, name: str, participants: int, seed: int, municipalities: int, total: int
) -> list[Town]:
    """The city ``name`` with ``participants`` people from ``seed`` (the same city a build of it
    alone makes), then ``municipalities - 1`` others sharing the rest of ``total``."""
    first = Town(name, NO, participants, seed)
    others = [(n, country) for n, country in OTHERS if n != name][: municipalities - 1]
    if len(others) < municipalities - 1:
        raise ValueError(f"At most {MAX_MUNICIPALITIES} municipalities.")
    if not others:
        return [first]
    if total - participants < len(others):
        raise ValueError(
            f"{total} people in all leave fewer than one for each of the other "
            f"{len(others)} municipalities."
        )
    sizes = _sizes(random.Random(f"{seed}/sizes"), len(others), total - participants)  # noqa: S311
    return [first] + [
        Town(n, country, size, f"{seed}/{n}")
        for (n, country), size in zip(others, sizes, strict=True)
    ]


def _sizes(rng: random.Random, count: int, people: int) -> list[int]:
    """``count`` sizes of at least one that add up to ``people``, varied as towns are."""
    weights = [1 / rank**SPREAD for rank in range(1, count + 1)]
    rng.shuffle(weights)
    spare = people - count
    shares = [spare * w / sum(weights) for w in weights]
    sizes = [1 + int(share) for share in shares]
    # The people rounding left over go to the largest remainders, one each.
    by_remainder = sorted(range(count), key=lambda i: int(shares[i]) - shares[i])
    for i in by_remainder[: people - sum(sizes)]:
        sizes[i] += 1
    return sizes
