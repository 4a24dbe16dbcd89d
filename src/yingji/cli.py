"""The one command line: ``yingji`` with serve, assess and each domain's sub-app."""

from __future__ import annotations

import json
import sys

import typer

from yingji.core.errors import YingjiError
from yingji.plans.cli import app as plans_app

app = typer.Typer(help="应急 Yingji：安全生产监管与应急管理平台", no_args_is_help=True)
app.add_typer(plans_app, name="plans")


def main() -> None:
    """Run the CLI; a YingjiError prints as JSON on stderr and exits 2 (caller error) or 1."""
    try:
        app(standalone_mode=False)
    except YingjiError as err:
        typer.echo(json.dumps(err.as_dict(), ensure_ascii=False, indent=2), err=True)
        sys.exit(2 if 400 <= err.status < 500 else 1)
    except typer.Abort:
        sys.exit(1)
    except Exception as err:  # click usage errors carry their own exit code
        code = getattr(err, "exit_code", None)
        if code is None:
            raise
        show = getattr(err, "show", None)
        if callable(show):
            show()
        sys.exit(code)
