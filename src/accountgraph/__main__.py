"""``python -m accountgraph`` runs the CLI."""

from accountgraph.cli import main

main()
