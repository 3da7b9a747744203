"""The fixed choices of dunning: what a step does, where a message goes and how it fared."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskAssignee(models.TextChoices):
    NONE = "", _("Nobody")
    OWNER = "owner", _("The customer's owner")
    COLLECTOR = "collector", _("The customer's collector")


class FeeKind(models.TextChoices):
    NONE = "", _("No fee")
    FIXED = "fixed", _("Fixed fee")
    PERCENT = "percent", _("Percentage of the overdue amount")
    INTEREST = "interest", _("Late-payment interest at a yearly rate")


class FeeStatus(models.TextChoices):
    PROPOSED = "proposed", _("To confirm")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    IN_APP = "in_app", _("In the app")
    # a dunning letter to print and post: "sent" once it is made, to be downloaded from the log
    LETTER = "letter", _("Letter to print")


class MessageKind(models.TextChoices):
    CUSTOMER_REMINDER = "customer_reminder", _("Reminder to the customer")
    OWNER_NOTICE = "owner_notice", _("Notice to the owner")
    ESCALATION = "escalation", _("Escalation to finance")
    OWNER_DIGEST = "owner_digest", _("Digest for the owner")
    RISK_ALERTS = "risk_alerts", _("Risk alerts")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # the sender stopped between handing the message over and recording it: it may or may not have
    # gone out, so it is not sent again on its own (rule 7: never twice) but shown for a person to check
    UNKNOWN = "unknown", _("Unknown: check before resending")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class TaskKind(models.TextChoices):
    DUNNING_STEP = "dunning_step", _("Dunning step")
    BROKEN_PROMISE = "broken_promise", _("Broken promise")
    MANUAL = "manual", _("Manual")


class FollowUpKind(models.TextChoices):
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    EMAIL = "email", _("Email")
    MESSAGE = "message", _("Message")


class FollowUpOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    PROMISED = "promised", _("Promised to pay")
    DISPUTED = "disputed", _("Disputed")
    OTHER = "other", _("Other")


class PromiseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    BROKEN = "broken", _("Broken")
    CANCELLED = "cancelled", _("Cancelled")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class TemplateKey(models.TextChoices):
    CUSTOMER_EMAIL = "customer_email", _("Email to the customer")
    CUSTOMER_SMS = "customer_sms", _("Text message to the customer")
    LETTER = "letter", _("Dunning letter")
