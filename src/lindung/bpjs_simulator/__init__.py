"""A small stand-in for a BPJS branch's partner API, for tests and the demo (``lindung simulator
serve``, started by ``make run`` beside the web app). It answers at once, as a partner API
would: valid members are accepted with a KPJ, others rejected with a reason. It imports no
domain of lindung and no domain imports it (import-linter): it is another system.
"""

from lindung.bpjs_simulator.app import Branch, create_app

__all__ = ["Branch", "create_app"]
