import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("fotfeste")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The resender of lost messages (config/queue.py) is not an app's.
app.autodiscover_tasks(["config"])


# Tasks that draw documents: minutes of CPU for the largest, and nobody waits at the screen.
DRAWING = frozenset(
    {
        "reporting.tasks.report_build_task",
        "reporting.tasks.data_export_build_task",
        "privacy.tasks.subject_access_build_task",
        "privacy.tasks.applicant_access_build_task",
    }
)


def route(name: str, args, kwargs, options, task=None, **kw) -> dict | None:
    """Drawing tasks go to the reports queue (settings: CELERY_TASK_QUEUES), named after the
    default queue as it is when the task is sent (the tests give each test a queue of its
    own); everything else to the default queue."""
    from django.conf import settings

    if name in DRAWING:
        return {"queue": app.conf.task_default_queue + settings.FOTFESTE_REPORTS_QUEUE_SUFFIX}
    return None


@signals.worker_init.connect
def lower_priority(**kwargs) -> None:
    """Where web and worker processes share a machine, a report being drawn must not slow the
    pages: the worker and the children it forks run at a lower CPU priority. On a machine of its
    own the worker loses nothing, since nothing competes."""
    from django.conf import settings

    if settings.FOTFESTE_WORKER_NICENESS:
        os.nice(settings.FOTFESTE_WORKER_NICENESS)
