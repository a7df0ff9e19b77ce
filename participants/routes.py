"""Whether a person's page offers the road to a trade certificate."""

from django.db.models import Exists, OuterRef, Q

from participants.models import Enrollment, Participant
from programs.models import ProgrammeKind, QualificationTrack


def offers_qualification() -> Exists:
    """For a query of participants: True when the person is on a qualification path, or when
    their country teaches a trade (a Norwegian lærefag, a Swedish vocational programme) and
    they are in a programme other than summer jobs. A summer-job person never sees the card."""
    taught = QualificationTrack.objects.filter(
        country=OuterRef("participant__municipality__country")
    )
    return Exists(
        Enrollment.objects.filter(participant=OuterRef("pk")).filter(
            Q(qualification_paths__isnull=False)
            | (~Q(programme__kind=ProgrammeKind.SUMMER_JOBS) & Exists(taught))
        )
    )


def qualification_offered(*, participant) -> bool:
    return Participant.objects.filter(pk=participant.pk).filter(offers_qualification()).exists()
