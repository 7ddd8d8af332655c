"""accountgraph's tests."""
