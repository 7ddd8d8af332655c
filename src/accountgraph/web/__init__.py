"""The pages accountgraph serves to browsers, and their static files."""

from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent
