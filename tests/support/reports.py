"""Asking for a report through the page, as a lead does."""

from datetime import date, timedelta

from django.urls import reverse

TODAY = date.today()


def request(client, world, captured):
    with captured(execute=True):
        return client.post(
            reverse("reporting:reports"),
            {
                "report": "ks",
                "programme": world.programme.pk,
                "language": "nb",
                "period_start": (TODAY - timedelta(days=90)).isoformat(),
                "period_end": TODAY.isoformat(),
            },
        )
