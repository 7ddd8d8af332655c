// Neo4j's constraints and indexes: unique party ids and dataset names, kinds and holders.
// Every statement may run again: it then changes nothing.
CREATE CONSTRAINT party_id IF NOT EXISTS FOR (n:Party) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT dataset_name IF NOT EXISTS FOR (d:Dataset) REQUIRE d.name IS UNIQUE;
CREATE INDEX party_kind IF NOT EXISTS FOR (n:Party) ON (n.kind);
CREATE INDEX responsibility_holder IF NOT EXISTS FOR (d:Responsibility) ON (d.holder)
