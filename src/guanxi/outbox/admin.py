from django.contrib import admin

from guanxi.outbox.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "channel", "recipient", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "channel")
    readonly_fields = [f.name for f in Message._meta.fields]
