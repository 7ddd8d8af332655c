// The dataset a graph holds, with its counts of parties, edges and responsibilities.
OPTIONAL MATCH (d:Dataset)
WITH collect(d.name) AS datasets
OPTIONAL MATCH (p:Party)
WITH datasets, count(p) AS parties
OPTIONAL MATCH (:Party)-[r]->(:Party)
WITH datasets, parties, count(r) AS edges
OPTIONAL MATCH (x:Responsibility)
RETURN datasets, parties, edges, count(x) AS responsibilities
