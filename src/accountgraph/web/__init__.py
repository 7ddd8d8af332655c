"""The pages accountgraph serves to browsers, and their static files."""

from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
"""Sent with every page we serve: our own files only, no inline code, never in a frame
(:mod:`accountgraph.api.headers` sets it)."""
