"""Who is who around a season's set-up pages (tests/summerjobs/test_setup*.py): the season's
programme's lead, summer-jobs coordinator and caseworker; a lead of another programme of the
same municipality; and a lead of another municipality."""

from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.support.summerjobs import SeasonWorld


@dataclass
class SetupUsers:
    lead: object
    coordinator: object
    caseworker: object
    colleague: object  # a lead of another programme of the same municipality
    foreign: object  # a lead of another municipality

    def others(self) -> dict[str, object]:
        """Everyone who must not set the season up."""
        return {
            "caseworker": self.caseworker,
            "colleague": self.colleague,
            "foreign": self.foreign,
        }


def setup_users(world, summer: SeasonWorld) -> SetupUsers:
    municipality = world.foreign_municipality
    programme = summer.season.programme
    lead = f.UserFactory(municipality=municipality, full_name="Lena Projektledare")
    f.MembershipFactory(user=lead, programme=programme, role="programme_lead")
    coordinator = f.UserFactory(municipality=municipality, full_name="Sam Feriesamordnare")
    f.MembershipFactory(user=coordinator, programme=programme, role="summer_coordinator")
    colleague = f.UserFactory(municipality=municipality, full_name="Kim Kollega")
    f.MembershipFactory(
        user=colleague,
        programme=f.ProgrammeFactory(municipality=municipality, name="Jobbspår"),
        role="programme_lead",
    )
    return SetupUsers(lead, coordinator, world.foreign_caseworker, colleague, world.programme_lead)


def queries_of(client, url: str) -> int:
    """The queries of a page's second load (the first fills what a session caches)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)
