"""Signals a site can receive."""

from django.dispatch import Signal

# Sent with ``instance`` (a File) when new content was stored for it (upload, import,
# replacement), inside the transaction that saved its row: receivers that act on the new
# content should do so on commit.
content_stored = Signal()
