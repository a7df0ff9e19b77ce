# One image for every app process: gunicorn (default CMD), migrate, Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# WeasyPrint loads Pango, HarfBuzz and fontconfig at runtime; libharfbuzz-subset0 is optional
# today but WeasyPrint warns it will become required. gettext provides msgfmt for compilemessages.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        gettext \
 && rm -rf /var/lib/apt/lists/*

# A home directory gives fontconfig somewhere writable for its cache.
RUN groupadd --system --gid 10001 fotfeste \
 && useradd --system --uid 10001 --gid fotfeste --create-home --home-dir /home/fotfeste \
        --shell /usr/sbin/nologin fotfeste

WORKDIR /app

# pyproject.toml declares `packages = []`, so this installs only the dependencies; copying it
# alone keeps this slow layer cached until the dependencies change.
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir . \
 && rm -rf build *.egg-info

# Copied one by one because there is no .dockerignore: .venv, db.sqlite3 and .git must stay out.
# A new top-level app directory has to be added here.
COPY manage.py ./
COPY config ./config
COPY accounts ./accounts
COPY audit ./audit
COPY programs ./programs
COPY participants ./participants
COPY placements ./placements
COPY reporting ./reporting
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY locale_allauth ./locale_allauth

# manage.py and config/celery.py default to the local settings; every process here is production.
ENV DJANGO_SETTINGS_MODULE=config.settings.production \
    PYTHONPATH=/app \
    MEDIA_ROOT=/app/var/media \
    WEB_CONCURRENCY=3

# Production settings refuse to import without these, but compilemessages and collectstatic
# never use them. They are exported for this RUN only (not ENV), so a container started
# without real values still fails loudly instead of running on the dummies; .invalid hosts
# can never resolve.
RUN export SECRET_KEY=build-only-dummy-secret-key-never-used-at-runtime-0000000000 \
           ALLOWED_HOSTS=build.invalid \
           REDIS_URL=redis://build.invalid:6379/0 \
           CELERY_BROKER_URL=redis://build.invalid:6379/1 \
           DATABASE_URL=postgres://build.invalid/none \
           FOTFESTE_SITE_URL=https://build.invalid \
           FOTFESTE_NATIONAL_ID_KEYS=build-only-dummy-key-never-used-at-runtime-000 \
           FOTFESTE_NATIONAL_ID_HASH_KEY=build-only-dummy-key-never-used-at-runtime-000 \
 && python manage.py compilemessages \
 && python manage.py collectstatic --noinput

# The source stays root-owned (read-only to the app); only runtime state is writable. An empty
# named volume mounted on var/media copies this ownership on first use.
RUN mkdir -p /app/var/media /app/var/beat \
 && chown fotfeste:fotfeste /app/var/media /app/var/beat

USER fotfeste

EXPOSE 8000

# gunicorn reads the worker count from WEB_CONCURRENCY itself (about 2 x CPU cores + 1).
# No access log: query strings can carry search terms about participants; the proxy logs requests.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]
