"""``python -m lindung.bpjs_simulator --port 0``: the simulated branch (see ``serve``)."""

from lindung.bpjs_simulator.serve import main

main()
