"""Dunning (催收): policies and their steps, what the daily run did, the messages it queued, and the
collector's records (follow-ups, promises to pay, disputes, tasks). See DESIGN.md."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huikuan.core.models import TimeStampedModel
from huikuan.core.money import currency_field, money_field
from huikuan.dunning.choices import (
    Channel,
    DisputeStatus,
    FeeKind,
    FeeStatus,
    FollowUpKind,
    FollowUpOutcome,
    MessageKind,
    MessageStatus,
    PromiseStatus,
    RunStatus,
    TaskAssignee,
    TaskKind,
    TaskStatus,
    TemplateKey,
)

# how far from the due date a step may lie: a year before it, ten years after it
STEP_DAYS_MIN = -365
STEP_DAYS_MAX = 3650


class DunningPolicy(TimeStampedModel):
    """A named ladder of steps (催收策略). Customers follow the policy assigned to them, or their
    company's default policy."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    name = models.CharField(_("name"), max_length=100)
    is_default = models.BooleanField(_("default policy"), default=False)
    working_days_only = models.BooleanField(
        _("working days only"),
        default=False,
        help_text=_("A step that falls on a weekend or Chinese public holiday waits for the next working day."),
    )

    class Meta:
        verbose_name = _("dunning policy")
        verbose_name_plural = _("dunning policies")
        ordering = ["company", "name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="dunning_policy_unique_name"),
            models.UniqueConstraint(
                fields=["company"], condition=Q(is_default=True), name="dunning_policy_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DunningStep(models.Model):
    """One rung of a policy: on ``days`` relative to an installment's due date (−7 is a week
    before, 30 a month after), do each action that is ticked."""

    policy = models.ForeignKey(DunningPolicy, on_delete=models.CASCADE, related_name="steps", verbose_name=_("policy"))
    days = models.IntegerField(_("days from due date"))
    name = models.CharField(_("name"), max_length=100)
    email_customer = models.BooleanField(_("email the customer"), default=False)
    sms_customer = models.BooleanField(_("text the customer"), default=False)
    notify_owner = models.BooleanField(_("notify the owner"), default=False)
    task_for = models.CharField(
        _("task for"), max_length=10, choices=TaskAssignee.choices, blank=True, default=TaskAssignee.NONE
    )
    letter = models.BooleanField(_("dunning letter (PDF)"), default=False)
    escalate = models.BooleanField(_("escalate to finance managers"), default=False)
    credit_hold = models.BooleanField(_("put the customer on credit hold"), default=False)
    is_final = models.BooleanField(
        _("final step"), default=False, help_text=_("Hands the case over (legal, agency): no automatic steps after it.")
    )
    fee_kind = models.CharField(_("fee"), max_length=10, choices=FeeKind.choices, blank=True, default=FeeKind.NONE)
    # fixed: an amount in the installments' currency; percent: % of what they owe; interest: % a year
    fee_value = models.DecimalField(_("fee amount or rate"), max_digits=18, decimal_places=4, default=0)

    class Meta:
        verbose_name = _("dunning step")
        verbose_name_plural = _("dunning steps")
        ordering = ["policy", "days"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "days"], name="dunning_step_unique_days"),
            models.CheckConstraint(
                condition=Q(days__gte=STEP_DAYS_MIN) & Q(days__lte=STEP_DAYS_MAX), name="dunning_step_days_range"
            ),
            models.CheckConstraint(condition=Q(fee_value__gte=0), name="dunning_step_fee_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.days:+d} {self.name}"


class CustomerDunning(TimeStampedModel):
    """How one customer is dunned: its policy (empty: the default), its collector, a pause
    (do not dun until a date), the language of what it is sent, and whether its case is final."""

    customer = models.OneToOneField(
        "customers.Customer",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="dunning",
        verbose_name=_("customer"),
    )
    policy = models.ForeignKey(
        DunningPolicy, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("policy")
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collector"),
    )
    paused_until = models.DateField(
        _("paused: dunning resumes on"), null=True, blank=True, help_text=_("No steps are performed before this date.")
    )
    pause_reason = models.CharField(_("pause reason"), max_length=200, blank=True)
    language = models.CharField(
        _("language of messages"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )
    final_on = models.DateField(_("case final since"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer dunning settings")
        verbose_name_plural = _("customer dunning settings")

    def __str__(self) -> str:
        return str(self.customer_id)


class DunningRun(models.Model):
    """One daily run for a company and business date: who started it, when, and what it did."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    business_date = models.DateField(_("business date"))
    source = models.CharField(_("started by"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("dunning run")
        verbose_name_plural = _("dunning runs")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["company", "business_date"], name="dunning_run_date_idx")]

    def __str__(self) -> str:
        return f"{self.business_date} {self.status}"


class DunningAction(models.Model):
    """A step performed for one installment: the ledger that makes every step happen exactly
    once (the unique constraint) and records when and at what open amount it happened."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, db_index=False, verbose_name=_("company"))
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, db_index=False, related_name="+", verbose_name=_("customer")
    )
    installment = models.ForeignKey(
        "contracts.Installment",
        on_delete=models.PROTECT,
        db_index=False,
        related_name="+",
        verbose_name=_("installment"),
    )
    step = models.ForeignKey(DunningStep, on_delete=models.PROTECT, related_name="+", verbose_name=_("step"))
    run = models.ForeignKey(DunningRun, on_delete=models.PROTECT, related_name="actions", verbose_name=_("run"))
    step_date = models.DateField(_("step fell due on"))
    performed_on = models.DateField(_("performed on"))
    currency = currency_field()
    open_amount = money_field(_("open amount"))
    days_overdue = models.IntegerField(_("days overdue"))

    class Meta:
        verbose_name = _("dunning action")
        verbose_name_plural = _("dunning actions")
        constraints = [models.UniqueConstraint(fields=["installment", "step"], name="dunning_action_once")]
        indexes = [models.Index(fields=["customer", "performed_on"], name="dunning_action_customer_idx")]

    def __str__(self) -> str:
        return f"{self.installment_id} {self.step_id} {self.performed_on}"


class Message(models.Model):
    """One message to one recipient on one channel: the outbox and the log. The run writes it
    queued in the transaction that records its actions; the dispatcher sends it (services/outbox.py).
    The steps it performs are the actions of its run and customer whose step asks for its channel
    (selectors.message_actions)."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    run = models.ForeignKey(
        DunningRun, on_delete=models.PROTECT, null=True, blank=True, related_name="messages", verbose_name=_("run")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    language = models.CharField(_("language"), max_length=10)
    to_address = models.CharField(_("to"), max_length=254, blank=True)
    # written when the message is sent (or, for a notice, when it is made): until then its text is
    # the template's over ``context`` (texts.message_text), so that the run writes no text at all
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"), blank=True)
    has_letter = models.BooleanField(_("with a dunning letter"), default=False)
    # what the text was made from (the items, totals and names): the letter is drawn from it, and the
    # message reads the same whenever it is previewed or sent
    context = models.JSONField(_("context"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_outbox_idx"),
            models.Index(fields=["customer", "created_at"], name="message_customer_idx"),
            models.Index(
                fields=["recipient_user", "created_at"],
                name="message_inbox_idx",
                condition=Q(channel=Channel.IN_APP),
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class FollowUp(models.Model):
    """A logged contact with a customer (跟进记录): a call, visit, email or message, and its outcome."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("customer")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FollowUpKind.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=FollowUpOutcome.choices)
    happened_on = models.DateField(_("date"))
    contact_name = models.CharField(_("spoke with"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("logged by")
    )
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-happened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.happened_on} {self.get_kind_display()}"


class PromiseToPay(models.Model):
    """A customer's promise (承诺付款) to pay ``amount`` by ``promised_on``. While it is open, the
    installments it covers (all the customer's, when it names none) wait for the date; kept when
    the customer's receipts from ``made_on`` to that date reach the amount, otherwise broken."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="promises", verbose_name=_("customer")
    )
    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.PROTECT, null=True, blank=True, related_name="promises", verbose_name=_("follow-up")
    )
    installments = models.ManyToManyField(
        "contracts.Installment", blank=True, related_name="+", verbose_name=_("installments covered")
    )
    currency = currency_field()
    amount = money_field(_("amount"))
    made_on = models.DateField(_("made on"))
    promised_on = models.DateField(_("promised by"))
    status = models.CharField(_("status"), max_length=10, choices=PromiseStatus.choices, default=PromiseStatus.OPEN)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        ordering = ["-promised_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_gt_0"),
            models.CheckConstraint(condition=Q(promised_on__gte=models.F("made_on")), name="promise_dates_in_order"),
        ]
        indexes = [models.Index(fields=["status", "promised_on"], name="promise_open_idx")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} {self.promised_on}"


class Dispute(models.Model):
    """A customer's objection (争议) to an amount: the installments it covers are not dunned while
    it is open."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="disputes", verbose_name=_("customer")
    )
    installments = models.ManyToManyField("contracts.Installment", related_name="+", verbose_name=_("installments"))
    reason = models.TextField(_("reason"))
    currency = currency_field()
    amount = money_field(_("amount disputed"))
    status = models.CharField(_("status"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    opened_on = models.DateField(_("opened on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-opened_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="dispute_amount_gt_0")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.amount} {self.status}"


class CollectionTask(models.Model):
    """Something a person must do about a customer: made by a dunning step, a broken promise, or by hand."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="collection_tasks", verbose_name=_("customer")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="collection_tasks", verbose_name=_("assignee")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices)
    title = models.CharField(_("title"), max_length=300)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    run = models.ForeignKey(
        DunningRun, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks", verbose_name=_("run")
    )
    promise = models.OneToOneField(
        PromiseToPay,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="broken_task",
        verbose_name=_("broken promise"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("collection task")
        verbose_name_plural = _("collection tasks")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["assignee", "status", "due_on"], name="collection_task_worklist_idx")]

    def __str__(self) -> str:
        return self.title


class ScheduledRun(models.Model):
    """The scheduler's claim on one company's daily run for one business date: several workers
    ticking at once insert the same key, and only the one whose insert wins enqueues the run."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    business_date = models.DateField(_("business date"))
    enqueued_at = models.DateTimeField(_("enqueued at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [models.UniqueConstraint(fields=["company", "business_date"], name="scheduled_run_once_a_day")]

    def __str__(self) -> str:
        return f"{self.company_id} {self.business_date}"


class MessageTemplate(models.Model):
    """A company's own wording of one kind of message in one language; without one, the wording
    that ships with Huikuan (texts.default_text) is used. Django template syntax; the variables are
    listed in texts.VARIABLES."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    key = models.CharField(_("message"), max_length=30, choices=TemplateKey.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("changed by")
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [models.UniqueConstraint(fields=["company", "key", "language"], name="message_template_unique")]

    def __str__(self) -> str:
        return f"{self.get_key_display()} ({self.language})"


class OwnerDigest(models.Model):
    """The digest one owner was sent for one business date: what falls due soon and what became
    overdue among their customers' installments. Unique per owner and date: sent once."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    business_date = models.DateField(_("business date"))
    due_soon = models.PositiveIntegerField(_("falling due"))
    became_overdue = models.PositiveIntegerField(_("became overdue"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("owner digest")
        verbose_name_plural = _("owner digests")
        constraints = [models.UniqueConstraint(fields=["owner", "business_date"], name="owner_digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.business_date}"


class DunningFee(models.Model):
    """A fee or late-payment interest a step charged a customer (催收费用/滞纳金): proposed by the run,
    shown on the letter, and owed only once a finance user confirms it, which makes it a receivable
    like any other (a contract of its own with one installment due that day)."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="dunning_fees", verbose_name=_("customer")
    )
    run = models.ForeignKey(DunningRun, on_delete=models.PROTECT, related_name="fees", verbose_name=_("run"))
    step = models.ForeignKey(DunningStep, on_delete=models.PROTECT, related_name="+", verbose_name=_("step"))
    currency = currency_field()
    amount = money_field(_("amount"))
    basis = models.CharField(_("how it was worked out"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=FeeStatus.choices, default=FeeStatus.PROPOSED)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    contract = models.OneToOneField(
        "contracts.Contract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dunning_fee",
        verbose_name=_("receivable"),
    )

    class Meta:
        verbose_name = _("dunning fee")
        verbose_name_plural = _("dunning fees")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="dunning_fee_amount_gt_0")]
        indexes = [models.Index(fields=["company", "status"], name="dunning_fee_status_idx")]

    def __str__(self) -> str:
        return f"{self.currency} {self.amount}"


class RiskNotice(models.Model):
    """The risk alerts (风险预警) a finance manager was told about on one business date: once per
    manager and date, and only the alerts not in their previous notice are new to them."""

    company = models.ForeignKey("accounts.Company", on_delete=models.PROTECT, verbose_name=_("company"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    business_date = models.DateField(_("business date"))
    alerts = models.JSONField(_("alerts"), default=list)  # "kind:customer id" of every alert raised that day
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("risk notice")
        verbose_name_plural = _("risk notices")
        constraints = [models.UniqueConstraint(fields=["user", "business_date"], name="risk_notice_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.business_date}"
