"""The web fixtures (a copy of the demo database, the app, signed-in clients) for the account
pages and API tested here."""

from tests.web.conftest import (  # noqa: F401  (fixtures)
    anonymous,
    app,
    counter_token,
    demo_engine,
    signed_in,
)
