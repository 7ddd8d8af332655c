"""Reading dataset files into a validated :class:`~accountgraph.model.Dataset`.

- :mod:`.load`: the entry points below, and which path a file takes;
- :mod:`.file_guard`: a dataset file's bytes, read within bounds;
- :mod:`.yaml_compose` and :mod:`.yaml_lines`: the careful YAML reader, which knows the
  line of every value; :mod:`.checks`: everything that can be wrong, located.
"""

from accountgraph.dataset.file_guard import MAX_DATASET_BYTES
from accountgraph.dataset.load import check_file, load_dataset, parse_dataset, validate_file

__all__ = ["MAX_DATASET_BYTES", "check_file", "load_dataset", "parse_dataset", "validate_file"]
