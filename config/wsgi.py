import os

from django.core.wsgi import get_wsgi_application

from config.warm import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()
warm_up()  # the first request is served at once (config/warm.py)
