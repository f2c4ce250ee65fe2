"""Pages: home, with what needs the operator's attention within their scope."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lindung import clock
from lindung.agreements.models import Agreement
from lindung.agreements.terms import agreement_terms_on
from lindung.enrollment.models import Membership
from lindung.enrollment.queries import used_quota
from lindung.principal import Principal
from lindung.registry.models import Worker
from lindung.web.deps import DB, language, page_principal
from lindung.web.templating import templates

router = APIRouter()


@router.get("/", include_in_schema=False)
def home(request: Request, principal: Principal = Depends(page_principal),
         session: Session = DB) -> Response:
    if principal.role == "counter_officer":
        return RedirectResponse("/loket", status_code=303)
    counts: dict[str, int] = {}
    agreements: list[dict[str, object]] = []
    if principal.can("agreements.read"):
        scope = principal.agreement_filter(Agreement)
        rows = session.execute(
            select(Membership.status, func.count())
            .join(Agreement, Agreement.id == Membership.agreement_id)
            .join(Worker, Worker.id == Membership.worker_id)
            .where(scope, principal.membership_filter(Membership, Worker))
            .group_by(Membership.status)).all()
        counts = {status: int(n) for status, n in rows}
        listed = list(session.scalars(select(Agreement).where(scope)))
        used = used_quota(session, [a.id for a in listed])
        today = clock.today()
        for agreement in listed:
            terms = agreement_terms_on(agreement, today)
            share = used.get(agreement.id, 0) / terms.quota if terms.quota else 0
            ending = today <= terms.end_date <= today + timedelta(days=60)
            if ending or share >= 0.9:
                agreements.append({"code": agreement.code, "end_date": terms.end_date,
                                   "used": used.get(agreement.id, 0), "quota": terms.quota,
                                   "ending": ending, "full": share >= 0.9})
        agreements.sort(key=lambda a: (str(a["end_date"]), str(a["code"])))
    return templates.TemplateResponse(request, "home.html", {
        "lang": language(request), "principal": principal, "counts": counts,
        "agreements": agreements, "csrf_token": request.state.csrf})
