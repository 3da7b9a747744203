"""Risk alerts as notifications (风险预警通知): each day's run tells every finance manager, in the
app, about the risk alerts (reports.risk, on the thresholds finance set) that were not in their
previous notice, so a customer over a threshold is announced once, not every day. Once per manager
and business date (RiskNotice)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from huikuan.accounts.models import User
from huikuan.dunning import texts
from huikuan.dunning.choices import MessageKind
from huikuan.dunning.models import RiskNotice
from huikuan.dunning.notices import staff_message
from huikuan.dunning.planning import finance_managers
from huikuan.reports.risk import Alert, label_alerts, risk_alerts

LINES_SHOWN = 50


def risk_notices_send(*, company_id: int, as_of: dt.date, run_id: int | None = None) -> int:
    """Tell each finance manager of the company about the alerts new to them; the notices written."""
    written = 0
    for manager in finance_managers(company_id):
        if RiskNotice.objects.filter(user=manager, business_date=as_of).exists():
            continue
        language = texts.language_of(manager.language)
        with translation.override(language):
            alerts = risk_alerts(user=manager, as_of=as_of)
        keys = [_key(alert) for alert in alerts]
        previous = RiskNotice.objects.filter(user=manager, business_date__lt=as_of).order_by("-business_date").first()
        seen = set(previous.alerts) if previous else set()
        new = [alert for alert in alerts if _key(alert) not in seen]
        try:
            with transaction.atomic():
                RiskNotice.objects.create(company_id=company_id, user=manager, business_date=as_of, alerts=keys)
                if new:
                    _notify(manager.pk, company_id, language, as_of, new, run_id)
                    written += 1
        except IntegrityError:
            continue  # another run told them first
    return written


def _key(alert: Alert) -> str:
    return f"{alert.kind}:{alert.customer_id or ''}"


def _notify(
    user_id: int, company_id: int, language: str, as_of: dt.date, alerts: list[Alert], run_id: int | None
) -> None:
    label_alerts(alerts[:LINES_SHOWN])
    with translation.override(language):
        subject = ngettext(
            "Risk alerts on %(date)s: %(count)d new", "Risk alerts on %(date)s: %(count)d new", len(alerts)
        ) % {"date": as_of.isoformat(), "count": len(alerts)}
        lines = [
            f"- {alert.label}: {alert.customer_name or _('the company')} · {alert.message}"
            for alert in alerts[:LINES_SHOWN]
        ]
        more = len(alerts) - LINES_SHOWN
        if more > 0:
            lines.append(ngettext("… and %(count)d more", "… and %(count)d more", more) % {"count": more})
    user = User.objects.get(pk=user_id)
    staff_message(
        company_id=company_id,
        user=user,
        kind=MessageKind.RISK_ALERTS,
        language=language,
        subject=subject,
        body="\n".join(lines) + "\n",
        run_id=run_id,
    ).save()
