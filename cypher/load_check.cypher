// What a graph holds before a load: its datasets' names, how many nodes, applied change sets.
// The load marker is no part of what a graph holds: a load rewrites it. Each log entry is
// a change set applied on top of the dataset, which loading the dataset again would undo.
OPTIONAL MATCH (d:Dataset)
WITH collect(d.name) AS datasets
OPTIONAL MATCH (e:LogEntry)
WITH datasets, count(e) AS applied
OPTIONAL MATCH (n)
WHERE NOT n:LoadMarker
RETURN datasets, count(n) AS nodes, applied
