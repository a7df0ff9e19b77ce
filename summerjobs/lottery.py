"""The summer-jobs allocation engine: a seeded, reproducible lottery within priority tiers that
gives each young person the best-ranked work area they can have (issue 18).

Pure Python on purpose, with no Django and no database: a municipality asked whether a draw
was fair must be able to re-run it from the stored seed, algorithm version and inputs and get
the same result, years later and on another Python. The models and the `summerjobs_allocate`
command map their rows onto `Applicant`, `Place` and `Draw`, call `allocate`, and store what
`Result.to_json` returns.

The rules, version 1 (`ALGORITHM_VERSION`):

1. **Lottery number.** Each applicant's number is sha256 of
   ``"fotfeste-summerjobs-lottery:<version>:<seed>:<applicant key>"`` read as a big-endian
   integer (`lottery_number`); lower is drawn earlier. It depends on nothing else, so the
   order in which applicants and places are passed in does not change the draw.
2. **Tiers.** Applicants are served tier by tier, tier 0 (the highest priority) first; the
   caller decides who is in which tier. Within a tier they are served by lottery number.
3. **Gender balance** (optional, off by default). Within each tier, the "female" and "male"
   applicants form two queues by lottery number, served alternately, starting with the queue
   whose first member has the lower number; when one runs out, the rest of the other follow.
   Applicants whose gender is "" (unknown or other) are never balanced against: they form a
   third queue by lottery number, merged with the alternating sequence by comparing the two
   heads, so nobody in the alternating sequence with a higher number is served before them.
4. **Assignment** (serial dictatorship over ranked choices). In that order, each applicant gets
   their highest-ranked area that has a place with a free slot, in a period they can work,
   whose minimum age they have reached on the place's start date (whole years; a birthday on
   the start date counts; a 29 February birthday counts from 1 March in a common year).
   Among several such places in the area: the most free slots left, then the earliest start,
   then the lowest key. One place per applicant at most.
5. **Reserve.** Everyone not placed, in draw order.

Serial dictatorship is strategy-proof: an applicant cannot gain by ranking areas other than as
they prefer them, which is what a municipality can tell young people and their guardians.

Anything that changes a result for some input must bump `ALGORITHM_VERSION`; a test pins a
small draw's exact result so that an accidental change fails.
"""

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

ALGORITHM_VERSION = 1
# So that the seed fits the bigint column (BigIntegerField) it is stored in.
MAX_SEED = 2**63 - 1
GENDERS = frozenset({"female", "male", ""})
# Part of the hashed text, so that a number from this lottery cannot be mistaken for, or
# reproduced by, a hash of the same seed and key made for another purpose.
_LOTTERY_DOMAIN = "fotfeste-summerjobs-lottery"


@dataclass(frozen=True, slots=True)
class Applicant:
    """One application. `tier` 0 is the highest priority; `areas` are ranked, best first;
    `periods` are the period keys they can work; `gender` is "female", "male" or "" (unknown
    or other, never balanced against)."""

    key: int
    tier: int
    birth_date: date
    gender: str
    areas: tuple[str, ...]
    periods: frozenset[int]

    def __post_init__(self) -> None:
        if self.tier < 0:
            raise ValueError(f"Applicant {self.key}: tier {self.tier} is negative (0 is highest).")
        if not self.areas:
            raise ValueError(f"Applicant {self.key}: at least one ranked area is needed.")
        if len(set(self.areas)) != len(self.areas):
            raise ValueError(f"Applicant {self.key}: an area is ranked twice: {self.areas}.")
        if self.gender not in GENDERS:
            raise ValueError(
                f"Applicant {self.key}: gender {self.gender!r} is not 'female', 'male' or ''."
            )


@dataclass(frozen=True, slots=True)
class Place:
    """A workplace's offer of `slots` places in one period, from `min_age` on `starts_on`."""

    key: int
    area: str
    period: int
    starts_on: date
    slots: int
    min_age: int

    def __post_init__(self) -> None:
        if self.slots < 1:
            raise ValueError(f"Place {self.key}: slots must be at least 1, not {self.slots}.")


@dataclass(frozen=True, slots=True)
class Draw:
    seed: int
    applicants: tuple[Applicant, ...]
    places: tuple[Place, ...]
    gender_balance: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.seed <= MAX_SEED:
            raise ValueError(f"The seed must be in 0..2**63-1, not {self.seed}.")
        _refuse_duplicates("applicant", (a.key for a in self.applicants))
        _refuse_duplicates("place", (p.key for p in self.places))


def _refuse_duplicates(kind: str, keys: Iterable[int]) -> None:
    twice = sorted(key for key, count in Counter(keys).items() if count > 1)
    if twice:
        raise ValueError(f"Duplicate {kind} keys: {twice}.")


@dataclass(frozen=True, slots=True)
class TierSummary:
    tier: int
    applicants: int
    placed: int


@dataclass(frozen=True, slots=True)
class AreaSummary:
    area: str
    slots: int
    filled: int


@dataclass(frozen=True, slots=True)
class Summary:
    """What the dry run shows: places filled per tier and per area."""

    tiers: tuple[TierSummary, ...]
    areas: tuple[AreaSummary, ...]


@dataclass(frozen=True, slots=True)
class Result:
    algorithm_version: int
    seed: int
    inputs_digest: str
    assigned: dict[int, int]
    choice_rank: dict[int, int]
    reserve: tuple[int, ...]
    # Every applicant in draw order: an appeal asks where someone stood, not only who won.
    order: tuple[int, ...]
    summary: Summary

    def to_json(self) -> dict[str, Any]:
        """Plain data for `json.dumps`, in a stable order; assignments sorted by applicant."""
        assignments = [
            {"applicant": a, "place": self.assigned[a], "choice_rank": self.choice_rank[a]}
            for a in sorted(self.assigned)
        ]
        return {
            "algorithm_version": self.algorithm_version,
            "seed": self.seed,
            "inputs_digest": self.inputs_digest,
            "assignments": assignments,
            "reserve": list(self.reserve),
            "order": list(self.order),
            "summary": {
                "tiers": [asdict(tier) for tier in self.summary.tiers],
                "areas": [asdict(area) for area in self.summary.areas],
            },
        }


def allocate(draw: Draw) -> Result:
    """Run the draw: the same `Draw` gives the same `Result`, whatever the order of its parts."""
    order = draw_order(draw)
    assigned, choice_rank = _assign(order, draw.places)
    return Result(
        algorithm_version=ALGORITHM_VERSION,
        seed=draw.seed,
        inputs_digest=inputs_digest(draw),
        assigned=assigned,
        choice_rank=choice_rank,
        reserve=tuple(a.key for a in order if a.key not in assigned),
        order=tuple(a.key for a in order),
        summary=_summarise(draw, assigned),
    )


def lottery_number(seed: int, key: int) -> int:
    """The applicant's number in this draw, lower first (rule 1)."""
    text = f"{_LOTTERY_DOMAIN}:{ALGORITHM_VERSION}:{seed}:{key}"
    return int.from_bytes(hashlib.sha256(text.encode("ascii")).digest(), "big")


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on `day`; the birthday itself counts."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def draw_order(draw: Draw) -> tuple[Applicant, ...]:
    """Every applicant in the order they are served (rules 2 and 3)."""
    tiers: defaultdict[int, list[Applicant]] = defaultdict(list)
    for applicant in draw.applicants:
        tiers[applicant.tier].append(applicant)
    order: list[Applicant] = []
    for tier in sorted(tiers):
        order += _tier_order(tiers[tier], draw.seed, balance=draw.gender_balance)
    return tuple(order)


# An applicant with the sort key of their turn: (lottery number, applicant key).
_Entry = tuple[tuple[int, int], Applicant]


def _tier_order(applicants: list[Applicant], seed: int, *, balance: bool) -> list[Applicant]:
    # The key breaks a tie between equal numbers: a sha256 collision will not happen, but the
    # order must be total for the result to be a function of the inputs alone.
    numbered = sorted(((lottery_number(seed, a.key), a.key), a) for a in applicants)
    if not balance:
        return [a for _, a in numbered]
    queues: dict[str, list[_Entry]] = {gender: [] for gender in GENDERS}
    for entry in numbered:
        queues[entry[1].gender].append(entry)
    balanced = _alternate(queues["female"], queues["male"])
    return [a for _, a in _merge_heads(balanced, queues[""])]


def _alternate(one: list[_Entry], other: list[_Entry]) -> list[_Entry]:
    """Take turns from two queues, starting with the one whose head is drawn first."""
    if not one or (other and other[0][0] < one[0][0]):
        one, other = other, one
    turns: list[_Entry] = []
    for pair in zip(one, other, strict=False):
        turns += pair
    both = min(len(one), len(other))
    return turns + one[both:] + other[both:]


def _merge_heads(balanced: list[_Entry], unknown: list[_Entry]) -> list[_Entry]:
    """Merge by comparing the two heads; each list keeps its own order.

    Why a merge: those of unknown or other gender have no turn to take in the alternation,
    and putting them last, or counting them as either gender, would move them away from
    their number. Merging keeps them where their number puts them against the alternating
    sequence: nobody from it with a higher number goes before them."""
    merged: list[_Entry] = []
    i = j = 0
    while i < len(balanced) and j < len(unknown):
        if unknown[j][0] < balanced[i][0]:
            merged.append(unknown[j])
            j += 1
        else:
            merged.append(balanced[i])
            i += 1
    return merged + balanced[i:] + unknown[j:]


def _assign(
    order: tuple[Applicant, ...], places: tuple[Place, ...]
) -> tuple[dict[int, int], dict[int, int]]:
    """Serial dictatorship (rule 4): each in turn takes the best area still open to them."""
    free = {place.key: place.slots for place in places}
    by_area: defaultdict[str, list[Place]] = defaultdict(list)
    for place in places:
        by_area[place.area].append(place)
    assigned: dict[int, int] = {}
    choice_rank: dict[int, int] = {}
    for applicant in order:
        for rank, area in enumerate(applicant.areas, start=1):
            chosen = _best_place(applicant, by_area.get(area, []), free)
            if chosen is not None:
                free[chosen.key] -= 1
                assigned[applicant.key] = chosen.key
                choice_rank[applicant.key] = rank
                break
    return assigned, choice_rank


def _best_place(applicant: Applicant, places: list[Place], free: dict[int, int]) -> Place | None:
    # The most free slots first spreads young people over workplaces instead of filling the
    # first one; the start date and then the key make the choice deterministic.
    open_to_them = [p for p in places if free[p.key] > 0 and is_eligible(applicant, p)]
    if not open_to_them:
        return None
    return min(open_to_them, key=lambda p: (-free[p.key], p.starts_on, p.key))


def is_eligible(applicant: Applicant, place: Place) -> bool:
    """Whether the applicant may have this place: its period, and old enough on its start."""
    return (
        place.period in applicant.periods
        and age_on(applicant.birth_date, place.starts_on) >= place.min_age
    )


def inputs_digest(draw: Draw) -> str:
    """sha256 of the draw's canonical JSON: a stored digest proves a re-run had the same inputs.

    Applicants and places are sorted by key, so passing them in another order gives the same
    digest; an applicant's areas keep their order, which is their ranking."""
    text = json.dumps(_canonical(draw), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _canonical(draw: Draw) -> dict[str, Any]:
    applicants = [
        {
            "key": a.key,
            "tier": a.tier,
            "birth_date": a.birth_date.isoformat(),
            "gender": a.gender,
            "areas": list(a.areas),
            "periods": sorted(a.periods),
        }
        for a in sorted(draw.applicants, key=lambda a: a.key)
    ]
    places = [
        {
            "key": p.key,
            "area": p.area,
            "period": p.period,
            "starts_on": p.starts_on.isoformat(),
            "slots": p.slots,
            "min_age": p.min_age,
        }
        for p in sorted(draw.places, key=lambda p: p.key)
    ]
    return {
        "seed": draw.seed,
        "gender_balance": draw.gender_balance,
        "applicants": applicants,
        "places": places,
    }


def _summarise(draw: Draw, assigned: dict[int, int]) -> Summary:
    applicants: Counter[int] = Counter(a.tier for a in draw.applicants)
    placed: Counter[int] = Counter(a.tier for a in draw.applicants if a.key in assigned)
    slots: Counter[str] = Counter()
    for place in draw.places:
        slots[place.area] += place.slots
    area_of = {place.key: place.area for place in draw.places}
    filled: Counter[str] = Counter(area_of[key] for key in assigned.values())
    return Summary(
        tiers=tuple(TierSummary(t, applicants[t], placed[t]) for t in sorted(applicants)),
        areas=tuple(AreaSummary(area, slots[area], filled[area]) for area in sorted(slots)),
    )
