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
from accountgraph.errors import AccountGraphError, ConfigurationError
from accountgraph.settings import Setting, setting
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


class BadEnvironmentValue(click.ClickException):
    """An ``ACCOUNTGRAPH_*`` variable holds a value its setting cannot take."""

    exit_code = 1


class SettingOption(click.Option):
    """An option made from a :class:`~accountgraph.settings.Setting`: a value from its
    environment variable that it cannot take is refused naming the variable and the
    value (click names only the flag)."""

    def __init__(self, *args: Any, setting: Setting, **attrs: Any) -> None:
        super().__init__(*args, **attrs)
        self.setting = setting

    def process_value(self, ctx: click.Context, value: Any) -> Any:
        source = ctx.get_parameter_source(self.name) if self.name else None
        if source is ParameterSource.ENVIRONMENT and isinstance(value, str):
            try:
                value = self.setting.parse(value)
            except ConfigurationError as error:
                raise BadEnvironmentValue(str(error)) from None
        return super().process_value(ctx, value)


def _click_type(setting: Setting) -> click.ParamType[Any, Any]:
    if setting.kind == "integer":
        return click.IntRange(int(setting.low or 0), int(setting.high or 0))
    if setting.kind == "number":
        return click.FloatRange(setting.low, setting.high)
    if setting.kind == "path":
        return click.Path(path_type=FilePath)
    if setting.kind == "flag":
        return click.BOOL
    return click.STRING


_METAVARS = {"integer": "INTEGER", "number": "SECONDS", "path": "PATH", "text": "TEXT"}


def setting_option(
    setting: Setting, *, parameter: str | None = None
) -> Callable[[Command], Command]:
    """The option of ``setting``: its flag, its variable, its default and its help, shown
    in ``--help``; the command gets it as ``parameter`` (default: the flag's name)."""
    decls = [setting.flag] if parameter is None else [setting.flag, parameter]
    shown: bool | str = True if setting.shown_default is None else setting.shown_default
    return click.option(
        *decls,
        cls=SettingOption,
        setting=setting,
        type=_click_type(setting),
        is_flag=setting.kind == "flag",
        default=setting.default,
        show_default=shown,
        envvar=setting.env,
        show_envvar=True,
        metavar=None if setting.kind == "flag" else _METAVARS[setting.kind],
        help=setting.help,
    )


STORE_URL_OPTION = click.option(
    "--store",
    "store_spec",
    envvar="ACCOUNTGRAPH_STORE",
    show_envvar=True,
    callback=store_url,
    default="memory",
    show_default=True,
    help=setting("store").help,
)
STORE_PASSWORD_FILE_OPTION = click.option(
    "--store-password-file",
    type=click.Path(dir_okay=False, path_type=FilePath),
    envvar="ACCOUNTGRAPH_STORE_PASSWORD_FILE",
    show_envvar=True,
    default=None,
    is_eager=True,
    expose_value=False,
    callback=read_store_password,
    metavar="FILE",
    help="Read the graph database's password from the first line of FILE, so that it is "
    "not in the --store URL, which every user of the machine sees in the process list.",
)
STORE_TIMEOUT_OPTION = setting_option(setting("store_timeout"))
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")


def store_option(command: Command) -> Command:
    """--store and --store-password-file."""
    return STORE_PASSWORD_FILE_OPTION(STORE_URL_OPTION(command))
