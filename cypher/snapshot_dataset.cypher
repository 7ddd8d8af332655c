// The datasets a graph holds: name, title and document (JSON), for a snapshot.
MATCH (d:Dataset)
RETURN d {.name, .title_json, .document_json} AS dataset
ORDER BY dataset.name
