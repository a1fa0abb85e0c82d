# policygraph: the API and the graph explorer, loading the bundled corpus into the configured store.
# Used by docker-compose.yml (with Neo4j); on its own it serves the embedded store.

# The explorer's front-end libraries come from npm at build time (exact versions from the lockfile);
# nothing is fetched when the app runs.
FROM node:20-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts/build-frontend.sh scripts/
COPY app/static app/static
RUN ./scripts/build-frontend.sh

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY app app
COPY graph graph
COPY loaders loaders
COPY queries queries
COPY data data
COPY --from=frontend /src/app/static/vendor app/static/vendor
# Editable install: the code finds data/ (corpus, profiles, agencies) next to the packages.
# /app stays root-owned (the app cannot change its own code); the history of integrity runs and the
# load warnings of each generation go to a directory the app owns, mounted as a volume by
# docker-compose.yml, so `load` and `serve` (separate processes) share them and they survive restarts.
RUN pip install -e . \
    && useradd --system --uid 10001 --home-dir /app policygraph \
    && mkdir -p /var/lib/policygraph \
    && chown policygraph /var/lib/policygraph
ENV POLICYGRAPH_HISTORY_DB=/var/lib/policygraph/history.sqlite
USER policygraph
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=5 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status == 200 else 1)"]
# Load the corpus into the store, then serve it (the load fails loudly and the container restarts).
CMD ["sh", "-c", "policygraph load && exec policygraph serve --host 0.0.0.0"]
