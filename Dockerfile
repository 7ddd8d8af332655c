# The accountgraph API. docker-compose.yml runs it beside Neo4j (or FalkorDB); the
# entrypoint waits for the store, loads the WIPO dataset into it and serves on port 8000.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# What the package build needs: the project file, the README, the code, and the dataset
# and Cypher files it ships.
COPY pyproject.toml README.md ./
COPY src ./src
COPY graph ./graph
COPY cypher ./cypher
RUN pip install . && rm -rf /src

COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/accountgraph-entrypoint

RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin accountgraph
USER accountgraph
WORKDIR /tmp

EXPOSE 8000
ENTRYPOINT ["/usr/local/bin/accountgraph-entrypoint"]
