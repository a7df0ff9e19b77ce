import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from audit.models import ChangeEvent
from participants.models import Participant
from placements.models import Placement

pytestmark = pytest.mark.django_db

SIGN_INS = [
    "veileder@lyngdal.example.org",
    "arbeidsleder@lyngdal.example.org",
    "programleder@lyngdal.example.org",
    "admin@lyngdal.example.org",
    "veileder@kristiansand.example.org",
    "arbeidsleder.ternevig@kristiansand.example.org",
    "arbeidsleder.presteheia@kristiansand.example.org",
    "programleder@kristiansand.example.org",
    "handledare@solvik.example.org",
    "handlaggare@solvik.example.org",
]


def test_the_demo_refuses_to_load_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_the_demo_builds_the_promised_world_and_a_second_run_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (
        User.objects.count(),
        Participant.objects.count(),
        Placement.objects.count(),
        ChangeEvent.objects.count(),
    )
    assert set(SIGN_INS) <= set(User.objects.values_list("email", flat=True))
    lyngdal = Participant.objects.filter(municipality__name="Lyngdal")
    assert lyngdal.count() == 10
    assert Participant.objects.filter(municipality__country="SE").exists()
    assert all(
        User.objects.get(email=e).check_password(settings.FOTFESTE_DEMO_PASSWORD) for e in SIGN_INS
    )
    call_command("seed_demo")
    assert counts == (
        User.objects.count(),
        Participant.objects.count(),
        Placement.objects.count(),
        ChangeEvent.objects.count(),
    )


def test_the_presteheia_arbeidsleder_sees_none_of_ternevigs_participants(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    presteheia = User.objects.get(email="arbeidsleder.presteheia@kristiansand.example.org")
    visible = Participant.objects.visible_to(presteheia)
    assert visible.count() == 3
    assert not visible.filter(
        enrollments__placements__worksite__name="Ternevig omsorgssenter"
    ).exists()
