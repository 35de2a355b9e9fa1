# Production image: gunicorn serving fedportal.wsgi on port 8000; the same
# image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Pango for WeasyPrint (PDFs); Node.js + npm only to fetch the front-end
# packages at build time. No CJK fonts from apt: the font comes from npm
# with the other assets (bin/build_assets.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 nodejs npm \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so that code changes do not re-run these layers.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY package.json package-lock.json ./
COPY bin/build_assets.py bin/
RUN python bin/build_assets.py && rm -rf node_modules /root/.npm

COPY . .

# collectstatic imports the settings, which insist on a SECRET_KEY when DEBUG
# is off; this throw-away value exists only for this build step.
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-used-at-runtime \
    python manage.py collectstatic --noinput

# Run as an unprivileged user; /data holds uploaded files (MEDIA_ROOT) and
# the beat schedule, and is a volume in docker-compose.yml.
RUN useradd --system --create-home --uid 10001 fedportal \
    && mkdir -p /data/media /backups \
    && chown -R fedportal:fedportal /data /backups
ENV MEDIA_ROOT=/data/media \
    BACKUP_DIR=/backups
USER fedportal

EXPOSE 8000
CMD ["gunicorn", "fedportal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--access-logfile", "-"]
