"""A web process made ready before its first request (config/wsgi.py). Without it, each gunicorn
worker's first request imports every view behind the URL configuration, the first in each
language reads its catalogues, and the first form with an e-mail address compiles Django's
pattern for it: about 1.1 s in all on the 2-core machine, paid by whoever comes first after a
deploy or a restart, at the summer-job deadline by several young people at once."""

from django.conf import settings
from django.core.validators import validate_email
from django.urls import get_resolver
from django.utils import translation


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018 (the property imports the views)
    for code, name in settings.LANGUAGES:
        with translation.override(code):
            str(name)  # a lazy name, translated: the language's catalogues read
    validate_email("warm-up@example.org")
