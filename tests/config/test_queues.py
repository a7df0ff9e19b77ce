"""Drawing documents has a queue of its own, so that a worker with a CPU budget can take it
beside the web processes (docker-compose.yml: reports-worker); everything else keeps the
default queue, and a worker started without -Q takes both."""

from django.conf import settings

from config.celery import DRAWING
from config.celery import app as celery_app


def _queue(task: str) -> str:
    return celery_app.amqp.router.route({}, task)["queue"].name


def test_reports_and_exports_go_to_the_reports_queue():
    assert _queue("reporting.tasks.report_build_task") == "fotfeste-reports"
    assert _queue("reporting.tasks.data_export_build_task") == "fotfeste-reports"
    assert _queue("privacy.tasks.subject_access_build_task") == "fotfeste-reports"


def test_imports_mail_and_scheduled_jobs_keep_the_default_queue():
    for task in (
        "imports.tasks.import_run_task",
        "accounts.tasks.invitation_send_task",
        "reporting.tasks.lim_drafts_create_task",
        "config.tasks.queued_work_resend_task",
    ):
        assert _queue(task) == "fotfeste", task


def test_the_reports_queue_follows_the_default_queue_when_it_is_sent():
    saved = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = "elsewhere"
    try:
        assert _queue("reporting.tasks.report_build_task") == "elsewhere-reports"
    finally:
        celery_app.conf.task_default_queue = saved


def test_every_drawing_task_exists_and_a_plain_worker_takes_both_queues():
    celery_app.loader.import_default_modules()
    assert set(celery_app.tasks) >= DRAWING
    assert [q.name for q in settings.CELERY_TASK_QUEUES] == ["fotfeste", "fotfeste-reports"]
