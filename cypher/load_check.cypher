// What a graph holds before a load: its datasets' names and how many nodes.
// The load marker is no part of what a graph holds: a load rewrites it.
OPTIONAL MATCH (d:Dataset)
WITH collect(d.name) AS datasets
OPTIONAL MATCH (n)
WHERE NOT n:LoadMarker
RETURN datasets, count(n) AS nodes
