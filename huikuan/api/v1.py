"""The /api/v1/ routes of every app, in one router."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from huikuan.api.auth import obtain_token
from huikuan.audit.api.views import AuditEventViewSet
from huikuan.contracts.api.views import ContractViewSet, InstallmentViewSet, MilestoneViewSet
from huikuan.customers.api.views import CustomerViewSet
from huikuan.periods.api.views import ClosedPeriodViewSet
from huikuan.receivables.api.views import AdjustmentViewSet, AllocationViewSet, ReceiptViewSet
from huikuan.reports.api.alert_views import AlertViewSet
from huikuan.reports.api.forecast_views import ForecastViewSet
from huikuan.reports.api.plan_views import PlanViewSet
from huikuan.reports.api.views import AgingViewSet, ArrearsViewSet, KpiViewSet, StatementViewSet
from huikuan.terms.api.views import TermsViewSet

router = DefaultRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("terms", TermsViewSet, basename="terms")
router.register("contracts", ContractViewSet, basename="contract")
router.register("installments", InstallmentViewSet, basename="installment")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("receipts", ReceiptViewSet, basename="receipt")
router.register("allocations", AllocationViewSet, basename="allocation")
router.register("adjustments", AdjustmentViewSet, basename="adjustment")
router.register("closed-periods", ClosedPeriodViewSet, basename="closed-period")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("reports/aging", AgingViewSet, basename="report-aging")
router.register("reports/plan", PlanViewSet, basename="report-plan")
router.register("reports/statement", StatementViewSet, basename="report-statement")
router.register("reports/arrears", ArrearsViewSet, basename="report-arrears")
router.register("reports/kpis", KpiViewSet, basename="report-kpis")
router.register("reports/forecast", ForecastViewSet, basename="report-forecast")
router.register("reports/alerts", AlertViewSet, basename="report-alerts")

urlpatterns = [
    path("auth/token/", obtain_token, name="api-token"),
    *router.urls,
]
