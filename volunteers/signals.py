"""Keep the board's stored indicators honest: every save or delete that changes a
month's figures marks that month and the later ones stale (after commit), whichever
path made it (services, the admin, the demo loader). Bulk loads that skip signals
(seed_scale, the bench) call `indicators_stale_from(None)` themselves."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from assetmap.models import Asset
from networks.models import ListeningEvent, Network
from volunteers.indicators import indicators_stale_from
from volunteers.models import CreditEntry, HoursEntry, SurveyResponse


@receiver([post_save, post_delete], sender=HoursEntry)
def hours_changed(sender, instance, **kwargs):
    # Hours count in the month of their date; a volunteer's first hours make them new
    # in that month and no longer in a later one.
    indicators_stale_from(instance.date)


@receiver([post_save, post_delete], sender=SurveyResponse)
def survey_changed(sender, instance, **kwargs):
    indicators_stale_from(instance.hours_entry.date)


@receiver([post_save, post_delete], sender=CreditEntry)
def ledger_changed(sender, instance, **kwargs):
    indicators_stale_from(instance.created_at.date())


@receiver([post_save, post_delete], sender=Asset)
def asset_changed(sender, instance, **kwargs):
    # An asset counts in its network as mapped now, in every month since it was added.
    indicators_stale_from(instance.created_at.date() if instance.created_at else None)


@receiver([post_save, post_delete], sender=ListeningEvent)
@receiver([post_save, post_delete], sender=Network)
def all_months_changed(sender, instance, **kwargs):
    # An event may have moved to another month; a network changes every month's rows.
    indicators_stale_from(None)
