// What a graph holds before a load: its datasets' names and how many nodes.
OPTIONAL MATCH (d:Dataset)
WITH collect(d.name) AS datasets
OPTIONAL MATCH (n)
RETURN datasets, count(n) AS nodes
