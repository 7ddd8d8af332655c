#!/bin/sh
# The api container's start: wait for the graph database named by ACCOUNTGRAPH_STORE, load
# the WIPO dataset into it, then serve. `accountgraph load` is idempotent (with the dataset
# there already it changes nothing) and refuses to mix datasets, so it runs at every start;
# ACCOUNTGRAPH_LOAD=0 skips it.
set -eu

: "${ACCOUNTGRAPH_STORE:?ACCOUNTGRAPH_STORE must name the store, e.g. neo4j://neo4j:7687}"
wait_seconds="${ACCOUNTGRAPH_WAIT_SECONDS:-120}"

# Wait until the store's port accepts connections. Prints host and port only: the URL may
# hold credentials, so it is read from the environment and never put on a command line
# (where `ps` would show it); load and serve read ACCOUNTGRAPH_STORE themselves.
python3 - "$wait_seconds" <<'PY'
import os
import socket
import sys
import time
from urllib.parse import urlsplit

url, limit = os.environ["ACCOUNTGRAPH_STORE"], float(sys.argv[1])
parts = urlsplit(url)
default_ports = {"neo4j": 7687, "neo4j+s": 7687, "bolt": 7687, "bolt+s": 7687, "falkordb": 6379}
host = parts.hostname
port = parts.port or default_ports.get(parts.scheme)
if not host or not port:
    sys.exit(f"accountgraph: cannot tell host and port of the store {parts.scheme}://...")
print(f"accountgraph: waiting for {host}:{port} (at most {limit:g}s)", flush=True)
deadline = time.monotonic() + limit
while True:
    try:
        with socket.create_connection((host, port), timeout=2):
            break
    except OSError as error:
        if time.monotonic() >= deadline:
            sys.exit(f"accountgraph: {host}:{port} did not answer in {limit:g}s: {error}")
        time.sleep(1)
print(f"accountgraph: {host}:{port} answers", flush=True)
PY

if [ "${ACCOUNTGRAPH_LOAD:-1}" != 0 ]; then
    accountgraph load
fi

exec accountgraph serve --host 0.0.0.0 --port 8000
