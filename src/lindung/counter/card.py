"""The membership card printed at the counter: a CR80 card (85.6 x 54 mm) as a PDF.

WeasyPrint lays out ``templates/card.html``; the QR code (segno, an inline SVG) links to the
public verification page ``/kartu/{code}``, whose code is random and stored with the card: the
link carries neither the NIK nor any id that could be counted through.
"""

from __future__ import annotations

import os
from pathlib import Path

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from lindung.counter.actions import CardData, do_print_card
from lindung.formatting import format_date_id
from lindung.principal import Principal

CARD_WIDTH_MM = 85.6
CARD_HEIGHT_MM = 54.0
_env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
                   autoescape=select_autoescape(["html"]))


def public_base_url(request_base_url: str) -> str:
    """Where the public can reach lindung: ``LINDUNG_PUBLIC_URL`` when set (behind a proxy the
    request's own address is an internal one), else the address the request came to."""
    return (os.environ.get("LINDUNG_PUBLIC_URL") or request_base_url).rstrip("/")


def verification_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/kartu/{code}"


def render_card(card: CardData, base_url: str) -> bytes:
    """The card as PDF bytes."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy: loaded when printing

    qr = segno.make(verification_url(base_url, card.verification_code), error="m")
    html = _env.get_template("card.html").render(
        card=card, valid_until=format_date_id(card.valid_until),
        qr=qr.svg_data_uri(border=1, dark="#102a43"))
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def card_pdf(session: Session, principal: Principal, number: str, *, base_url: str) -> bytes:
    """The newest card with ``number`` printed by the principal's counter, as a PDF (audited)."""
    return render_card(do_print_card(session, principal, number), base_url)
