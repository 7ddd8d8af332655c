// The graph's load marker: which dataset its last load wrote, when, and whether it finished.
MATCH (m:LoadMarker)
RETURN m {.dataset, .version, .run, .started, .finished} AS marker
