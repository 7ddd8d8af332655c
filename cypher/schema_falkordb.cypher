// FalkorDB's indexes; the backend adds its unique constraints (Party.id and the governance
// nodes' ids, log positions and hashes, token hashes) by command, each on an index made here.
// One index per statement; FalkorDB has no IF NOT EXISTS, so the backend skips an index
// that is already there. GRAPH.CONSTRAINT CREATE is not Cypher and runs from the backend.
CREATE INDEX FOR (n:Party) ON (n.id);
CREATE INDEX FOR (n:Party) ON (n.kind);
CREATE INDEX FOR (d:Dataset) ON (d.name);
CREATE INDEX FOR (d:Responsibility) ON (d.holder);
CREATE INDEX FOR (c:ChangeSet) ON (c.id);
CREATE INDEX FOR (c:ChangeSet) ON (c.status);
CREATE INDEX FOR (e:LogEntry) ON (e.position);
CREATE INDEX FOR (e:LogEntry) ON (e.hash);
CREATE INDEX FOR (t:ApiToken) ON (t.hash);
CREATE INDEX FOR (t:ApiToken) ON (t.name)
