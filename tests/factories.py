"""Factory-boy factories. Every name here is invented."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from accounts.models import Country, Municipality, ProgrammeMembership, User, WorksiteSupervisor
from participants.models import Consent, Enrollment, Participant
from placements.models import Placement, PlacementStatus, PlacementType, WorkField, Worksite
from programs.models import Cohort, EnrollmentStatus, Programme, ProgrammeKind

PASSWORD = "correct-horse-battery-staple"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Testkommune {n}")
    country = Country.NORWAY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@test.example.org")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Programme {n}")
    kind = ProgrammeKind.INN_I_JOBB


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeMembership

    user = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    role = "caseworker"


class WorksiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worksite

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Worksite {n}")
    kind = "omsorgssenter"


class SupervisorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorksiteSupervisor

    user = factory.SubFactory(UserFactory)
    worksite = factory.SubFactory(WorksiteFactory)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    municipality = factory.SubFactory(MunicipalityFactory)
    first_name = factory.Sequence(lambda n: f"Testfirst{n}")
    last_name = factory.Sequence(lambda n: f"Testlast{n}")


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    participant = factory.SubFactory(ParticipantFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    status = EnrollmentStatus.ACTIVE
    starts_on = factory.LazyFunction(lambda: date.today() - timedelta(days=30))


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    enrollment = factory.SubFactory(EnrollmentFactory)
    worksite = factory.SubFactory(WorksiteFactory)
    type = PlacementType.WORK_TRAINING
    field = WorkField.HEALTH_CARE
    status = PlacementStatus.ACTIVE
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=14))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    participant = factory.SubFactory(ParticipantFactory)
    purpose = "share_worksite"
    given_on = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    recorded_by = factory.SubFactory(UserFactory)
