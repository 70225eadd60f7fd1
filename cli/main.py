"""The `linkgraph` command: `preview`, `serve` and `export-schema`.

Exit codes are part of the interface, so scripts can branch on them: 0 every link previewed,
1 some links have no preview (a PreviewError), 2 a usage error or a bad setting, 3 the server
could not answer.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cli.client import ServerUnreachableError, fetch_previews
from cli.render import table
from common.language import language_tag
from settings import ConfigurationError, load_settings

OK, SOME_FAILED, USAGE, UNREACHABLE = 0, 1, 2, 3

app = typer.Typer(
    help="Typed link previews from the terminal, and the Linkgraph server.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: rich's panels label every flag with its Python type (`<bool>`).
    rich_markup_mode=None,
)
out = Console()
err = Console(stderr=True)


def read_links(urls: list[str], file: Path | None) -> list[str]:
    """The links named on the command line, then the file's (one a line, `#` comments and
    blank lines skipped; `-` reads standard input)."""
    links = list(urls)
    if file is not None:
        try:
            text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
        except OSError as error:
            raise typer.BadParameter(f"cannot read {file}: {error.strerror}") from error
        for line in text.splitlines():
            link = line.strip()
            if link and not link.startswith("#"):
                links.append(link)
    return links


@app.command()
def preview(
    urls: Annotated[list[str] | None, typer.Argument(help="Links to preview.")] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="A file of links, one a line ('-' for stdin)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the graph's answer as JSON instead.")
    ] = False,
    server: Annotated[
        str | None,
        typer.Option(
            help="A running Linkgraph (http://host:port, with or without /graphql); "
            "default: run the app in-process.",
            envvar="LINKGRAPH_SERVER",
        ),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(help="API key for a server that requires one.", envvar="LINKGRAPH_API_KEY"),
    ] = None,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            help="Show a progress bar (default: when reading a file on a terminal).",
        ),
    ] = None,
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh", help="Fetch each link again, whatever the cache holds (refreshPreview)."
        ),
    ] = False,
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            "-l",
            help="Read the pages in this language, a BCP 47 tag such as es or pt-BR "
            "(sent to each site as Accept-Language; cached apart).",
        ),
    ] = None,
) -> None:
    """Preview links: a table by default, or the raw GraphQL answer with --json."""
    links = read_links(urls or [], file)
    if not links:
        raise typer.BadParameter("give at least one link, or --file", param_hint="URLS")
    tag = None
    if language is not None and (tag := language_tag(language)) is None:
        raise typer.BadParameter(
            f"{language!r} is not a BCP 47 language tag (such as es or pt-BR)",
            param_hint="--language",
        )
    show_bar = progress if progress is not None else (file is not None and err.is_terminal)
    try:
        if show_bar:
            with Progress(
                TextColumn("previewing"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            ) as bar:
                task = bar.add_task("previews", total=len(links))
                previews = asyncio.run(
                    fetch_previews(
                        links,
                        server,
                        api_key,
                        lambda n: bar.advance(task, n),
                        refresh=refresh,
                        language=tag,
                    )
                )
        else:
            previews = asyncio.run(
                fetch_previews(links, server, api_key, refresh=refresh, language=tag)
            )
    except ConfigurationError as error:
        configuration_error(error)
    except ServerUnreachableError as error:
        err.print(f"[red]error:[/red] {error}", markup=True, highlight=False)
        raise typer.Exit(UNREACHABLE) from error
    if as_json:
        # Plain json, not rich: a terminal-width wrap must never split a long URL in the data.
        sys.stdout.write(json.dumps({"previews": previews}, ensure_ascii=False, indent=2) + "\n")
    else:
        out.print(table(previews))
    failed = sum(1 for item in previews if item.get("__typename") == "PreviewError")
    if failed:
        err.print(f"{failed} of {len(previews)} links have no preview", highlight=False)
        raise typer.Exit(SOME_FAILED)


@app.command()
def serve(
    host: Annotated[str, typer.Option(envvar="HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT")] = 8000,
) -> None:
    """Start the server (GraphQL and GraphiQL at /graphql, the card page at /)."""
    import uvicorn

    from app import create_app

    try:
        # Built here, not by uvicorn, so the app knows the address it is served on.
        app = create_app(load_settings(), address=(host, port))
    except ConfigurationError as error:
        configuration_error(error)
    # Ours is the one access line (web/request_id.py, with the request id).
    uvicorn.run(app, host=host, port=port, access_log=False)


@app.command("export-schema")
def export_schema(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the SDL ('-' for stdout).")
    ] = Path("schema.graphql"),
) -> None:
    """Write the schema's SDL, the contract clients generate code from."""
    from strawberry.printer import print_schema

    from graph import schema

    text = print_schema(schema) + "\n"
    if str(output) == "-":
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    err.print(f"wrote {output}", highlight=False)


def configuration_error(error: ConfigurationError) -> NoReturn:
    # Written plainly: rich would wrap it at the terminal's width, and it is one line.
    sys.stderr.write(f"linkgraph: configuration error: {error}\n")
    raise typer.Exit(USAGE)


def main() -> None:
    app()
