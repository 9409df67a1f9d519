# Paniers as one image: Daphne (the default command), the PDF worker, migrate and
# createsuperuser; compose.yaml runs them all. Configuration comes only from the
# environment variables of docs/deploy.md; no secret is written into the image.
#
#   docker build -t paniers .            (podman build --format docker keeps HEALTHCHECK)
#
# Behind a package mirror or a TLS-inspecting proxy, pip takes its usual variables as
# build arguments: --build-arg PIP_INDEX_URL=https://mirror.example/simple, PIP_CERT=…
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ARG PIP_INDEX_URL
ARG PIP_CERT
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml constraints.txt ./
# pyproject.toml's runtime dependencies at the versions constraints.txt pins (its test
# tools are not installed); wheels only, so neither stage needs a compiler. This layer
# is rebuilt only when one of the two files changes.
RUN python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" >requirements.txt \
 && python -m venv /opt/venv \
 && /opt/venv/bin/pip install --quiet --only-binary=:all: -r requirements.txt -c constraints.txt
COPY . .
# Hashed, gzipped static files, collected once here (WhiteNoise serves them for ten
# years). This SECRET_KEY exists only for this command: settings would otherwise write a
# generated one into var/, and so into the image.
RUN SECRET_KEY=collectstatic-only PANIERS_VAR_DIR=/app/var \
    /opt/venv/bin/python manage.py collectstatic --noinput -v 0 \
 && /opt/venv/bin/python -m compileall -q -j 0 config workshops territories baskets plenary restitution \
 && rm -f requirements.txt

FROM ${PYTHON_IMAGE}
# WeasyPrint's libraries (Pango, HarfBuzz's subsetter) and the report's font, DejaVu.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --user-group --uid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin paniers
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
# The code and static files belong to root: the app may write only in var/ (SQLite and
# its generated secret when it runs alone, without DATABASE_URL).
RUN chown paniers:paniers /app/var
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
USER 10001:10001
EXPOSE 8000
# /login/ renders a page without touching the database. X-Forwarded-Proto stands for the
# proxy, so an https PUBLIC_URL does not redirect the check to https.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:8000/login/', headers={'X-Forwarded-Proto': 'https'}), timeout=4)"]
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "--websocket_connect_timeout", "30", "config.asgi:application"]
