"""accountgraph: a security accountability framework as a graph of cited relations."""

from accountgraph.dataset import load_dataset
from accountgraph.errors import (
    AccountGraphError,
    DatasetError,
    QueryLimitError,
    StoreUnavailableError,
    UnknownPartyError,
)
from accountgraph.store import open_store

__version__ = "0.1.0"

__all__ = [
    "AccountGraphError",
    "DatasetError",
    "QueryLimitError",
    "StoreUnavailableError",
    "UnknownPartyError",
    "__version__",
    "load_dataset",
    "open_store",
]
