// Neo4j's constraints and indexes: unique ids, names, log positions and hashes; kinds, holders.
// Every statement may run again: it then changes nothing. Change sets, log entries and
// token records are nodes beside the graph; a log position taken twice fails the second
// transaction that takes it, which is how two writers never append after the same entry.
CREATE CONSTRAINT party_id IF NOT EXISTS FOR (n:Party) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT dataset_name IF NOT EXISTS FOR (d:Dataset) REQUIRE d.name IS UNIQUE;
CREATE INDEX party_kind IF NOT EXISTS FOR (n:Party) ON (n.kind);
CREATE INDEX responsibility_holder IF NOT EXISTS FOR (d:Responsibility) ON (d.holder);
CREATE CONSTRAINT change_set_id IF NOT EXISTS FOR (c:ChangeSet) REQUIRE c.id IS UNIQUE;
CREATE INDEX change_set_status IF NOT EXISTS FOR (c:ChangeSet) ON (c.status);
CREATE CONSTRAINT log_entry_position IF NOT EXISTS FOR (e:LogEntry) REQUIRE e.position IS UNIQUE;
CREATE CONSTRAINT log_entry_hash IF NOT EXISTS FOR (e:LogEntry) REQUIRE e.hash IS UNIQUE;
CREATE CONSTRAINT api_token_hash IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.hash IS UNIQUE;
CREATE INDEX api_token_name IF NOT EXISTS FOR (t:ApiToken) ON (t.name)
