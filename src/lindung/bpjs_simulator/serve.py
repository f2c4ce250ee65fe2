"""Run the simulated branch with uvicorn on its own port.

The socket is bound before uvicorn starts and the address printed on one line (``port 0``
takes a free port), so a caller (a test fixture, ``make run``) knows where it listens and that
it accepts connections, without waiting and guessing.
"""

from __future__ import annotations

import socket
import sys

from lindung.bpjs_simulator.app import Branch, create_app

READY = "simulator BPJS mendengarkan di"


def serve(host: str = "127.0.0.1", port: int = 8001, token: str | None = None) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM); the port is released on exit."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise SystemExit(f"simulator BPJS: port {port} di {host} sudah dipakai ({exc})") from exc
    sock.listen(128)
    bound = sock.getsockname()[1]
    print(f"{READY} http://{host}:{bound}", flush=True)
    server = uvicorn.Server(uvicorn.Config(create_app(Branch(token=token)), log_level="warning",
                                           access_log=False))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m lindung.bpjs_simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--token", default=None)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    serve(args.host, args.port, args.token)
