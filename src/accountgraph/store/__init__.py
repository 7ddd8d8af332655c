"""Stores: where a dataset's graph lives and how it is queried."""
