"""``lindung simulator serve``: the simulated BPJS branch partner API (tests and the demo)."""

from __future__ import annotations

from typing import Annotated

import typer

simulator_app = typer.Typer(help="Simulator API mitra kantor cabang BPJS (uji dan demo).",
                            no_args_is_help=True)


@simulator_app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Alamat")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0: port bebas mana saja)")] = 8001,
    token: Annotated[str | None, typer.Option(
        envvar="LINDUNG_SIMULATOR_TOKEN", help="Token bearer yang diwajibkan")] = None,
) -> None:
    """Menjalankan simulator cabang BPJS: menerima peserta sah dengan KPJ, menolak NIK yang tidak
    sah atau tercatat meninggal, dan menjawab seketika."""
    from lindung.bpjs_simulator.serve import serve

    serve(host, port, token)
