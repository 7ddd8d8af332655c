"""Graph database servers the Cypher store talks to, each behind :class:`CypherBackend`."""
