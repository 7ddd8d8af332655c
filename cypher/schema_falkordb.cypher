// FalkorDB's indexes; the backend adds its unique constraint on Party.id by command.
// One index per statement; FalkorDB has no IF NOT EXISTS, so the backend skips an index
// that is already there. GRAPH.CONSTRAINT CREATE is not Cypher and runs from the backend.
CREATE INDEX FOR (n:Party) ON (n.id);
CREATE INDEX FOR (n:Party) ON (n.kind);
CREATE INDEX FOR (d:Dataset) ON (d.name);
CREATE INDEX FOR (d:Responsibility) ON (d.holder)
