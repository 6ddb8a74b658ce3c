# KAM's image: the same deploy/*.sh scripts as `make prod`. Not built in CI (no container engine there).
#   docker build -t kam .
#   docker run kam deploy/web.sh | deploy/worker.sh heavy | deploy/worker.sh light | deploy/beat.sh | deploy/release.sh
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's libraries (Pango, HarfBuzz) and fonts; gettext for the translations; the PostgreSQL client
# for deploy/backup.sh and deploy/restore.sh.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation \
        gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Translations and static files at build time, with throw-away settings (nothing secret is baked in).
RUN DEBUG=false SECRET_KEY=build-only-not-a-secret ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
        python manage.py compilemessages --ignore=.venv -v0 \
    && DEBUG=false SECRET_KEY=build-only-not-a-secret ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
        python manage.py collectstatic --no-input -v0 \
    && rm -f /tmp/build.sqlite3

RUN useradd --create-home --uid 10001 kam && mkdir -p /app/media /tmp/kam-run && chown kam /app/media /tmp/kam-run
USER kam

ENV DEBUG=false BIND=0.0.0.0:8000 KAM_RUN_DIR=/tmp/kam-run KAM_SKIP_COLLECTSTATIC=true MEDIA_ROOT=/app/media
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"
CMD ["deploy/web.sh"]
