// The log's head (the last applied change set's entry), and the run of the graph's last load.
// Without an entry, position and hash are null (the head is then position 0 and 64 zeros);
// without a load marker (a graph loaded by hand or by an older accountgraph), load is null.
// A load writes a new run: what was kept of the graph before it is no longer the graph.
OPTIONAL MATCH (m:LoadMarker)
WITH m.run AS load
OPTIONAL MATCH (e:LogEntry)
WITH load, e
ORDER BY e.position DESC
LIMIT 1
RETURN load, e.position AS position, e.hash AS hash
