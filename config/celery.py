import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("fotfeste")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The resender of lost messages (config/queue.py) is not an app's.
app.autodiscover_tasks(["config"])


@signals.worker_init.connect
def lower_priority(**kwargs) -> None:
    """Where web and worker processes share a machine, a report being drawn must not slow the
    pages: the worker and the children it forks run at a lower CPU priority. On a machine of its
    own the worker loses nothing, since nothing competes."""
    from django.conf import settings

    if settings.FOTFESTE_WORKER_NICENESS:
        os.nice(settings.FOTFESTE_WORKER_NICENESS)
