"""What the counter prints: the registration receipt ("bukti pendaftaran", A6) the driver takes
home at once, and the membership card (a CR80 card, 85.6 x 54 mm) once BPJS gave a KPJ, as PDF.

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

from lindung.counter.actions import CardData, Receipt, do_print_card, do_print_receipt
from lindung.enrollment.connector import BranchConnector
from lindung.formatting import format_date_id, format_rupiah, terbilang_rupiah
from lindung.principal import Principal

CARD_WIDTH_MM = 85.6
CARD_HEIGHT_MM = 54.0
RECEIPT_WIDTH_MM = 105.0
RECEIPT_HEIGHT_MM = 148.0
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


def render_receipt(receipt: Receipt) -> bytes:
    """The registration receipt as PDF bytes (A6)."""
    from weasyprint import HTML

    html = _env.get_template("receipt.html").render(
        r=receipt, registered=format_date_id(receipt.valid_from),
        valid_from=format_date_id(receipt.valid_from),
        valid_until=format_date_id(receipt.valid_until), amount=format_rupiah(receipt.amount),
        words=terbilang_rupiah(receipt.amount),
        officer=receipt.received_by.split(":", 1)[-1])  # the audit name without its kind
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def receipt_pdf(session: Session, principal: Principal, number: str,
                connector: BranchConnector | None = None) -> bytes:
    """The receipt with ``number`` issued by the principal's counter, as a PDF (audited)."""
    return render_receipt(do_print_receipt(session, principal, number, connector))
