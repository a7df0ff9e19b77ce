import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("fotfeste")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The resender of lost messages (config/queue.py) is not an app's.
app.autodiscover_tasks(["config"])
