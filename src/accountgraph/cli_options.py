"""What the ``accountgraph`` commands share: where the graph is (``--store`` and its
password), days as options, ``--json``, and how a command fails."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path as FilePath
from typing import Any, NoReturn, TypeVar

import click
from click.core import ParameterSource

from accountgraph.dates import parse_day
from accountgraph.errors import AccountGraphError
from accountgraph.store import DEFAULT_TIMEOUT
from accountgraph.store.credentials import PASSWORD_ON_COMMAND_LINE, read_password_file
from accountgraph.store.urls import password_in_url, with_password

Command = TypeVar("Command", bound=Callable[..., Any])

_STORE_PASSWORD = "accountgraph.store_password"


def fail(message: str) -> NoReturn:
    """Say what is wrong on standard error and exit 1."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def read_store_password(
    context: click.Context, parameter: click.Parameter, path: FilePath | None
) -> None:
    if path is not None:
        try:
            context.meta[_STORE_PASSWORD] = read_password_file(path)
        except AccountGraphError as error:
            raise click.BadParameter(str(error), context, parameter) from None


def store_url(context: click.Context, parameter: click.Parameter, spec: str) -> str:
    """The store URL, with the password from --store-password-file put in it; a warning
    when a URL given as an argument (seen by ``ps``) carries a password."""
    source = context.get_parameter_source("store_spec")
    if source is ParameterSource.COMMANDLINE and password_in_url(spec):
        click.echo(f"Warning: {PASSWORD_ON_COMMAND_LINE}.", err=True)
    password = context.meta.get(_STORE_PASSWORD)
    if password is None or spec == "memory":
        return spec
    try:
        return with_password(spec, password)
    except AccountGraphError as error:
        raise click.BadParameter(str(error), context, parameter) from None


class Day(click.DateTime):
    """A day written YYYY-MM-DD and no other way (strptime's ``%Y-%m-%d`` alone also takes
    ``2009-1-1``)."""

    name = "day"

    def __init__(self) -> None:
        super().__init__(formats=["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            try:
                parse_day(value)
            except ValueError as error:
                self.fail(str(error), param, ctx)
        return super().convert(value, param, ctx)


STORE_URL_OPTION = click.option(
    "--store",
    "store_spec",
    envvar="ACCOUNTGRAPH_STORE",
    callback=store_url,
    default="memory",
    show_default=True,
    help=(
        "Where the graph lives: 'memory' (embedded, loads --data), sqlite:///path/graph.db "
        "(embedded, kept in a file, changeable) or a graph database URL "
        "(falkordb://host:port/graph, neo4j://host:port, bolt://host:port); "
        "load it first with `accountgraph load`."
    ),
)
STORE_TIMEOUT_OPTION = click.option(
    "--store-timeout",
    "store_timeout",
    type=click.FloatRange(0.1, 3600),
    envvar="ACCOUNTGRAPH_STORE_TIMEOUT",
    default=DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="How long a graph database server has to answer.",
)
STORE_PASSWORD_FILE_OPTION = click.option(
    "--store-password-file",
    type=click.Path(dir_okay=False, path_type=FilePath),
    envvar="ACCOUNTGRAPH_STORE_PASSWORD_FILE",
    default=None,
    is_eager=True,
    expose_value=False,
    callback=read_store_password,
    metavar="FILE",
    help="Read the graph database's password from the first line of FILE, so that it is "
    "not in the --store URL, which every user of the machine sees in the process list.",
)
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")


def store_option(command: Command) -> Command:
    """--store and --store-password-file."""
    return STORE_PASSWORD_FILE_OPTION(STORE_URL_OPTION(command))
