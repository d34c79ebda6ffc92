"""SQLModel tables. The schema itself changes only through Alembic migrations.

Every table builds on `base.Table` (its `id`) or `base.TimestampedTable` (also `created_at`).
"""

from hitrec_app.models.accounts import LoginAttempt, User, UserSession
from hitrec_app.models.collab import DraftSnapshot, DraftUpdate
from hitrec_app.models.creative import (
    Challenge,
    EntryRemoval,
    Heart,
    Record,
    RecordAuthor,
    RecordSource,
    RecordTag,
)
from hitrec_app.models.drafts import Draft, DraftCollaborator
from hitrec_app.models.live import (
    LiveEntry,
    LiveEvent,
    LiveParticipant,
    LiveRound,
    LiveSession,
    LiveVote,
)
from hitrec_app.models.money import (
    LedgerEntry,
    MoneyEntry,
    PayProposal,
    PayProposalLine,
    PayProposalVersion,
    Production,
    ProductionContribution,
    ProposalComment,
    ProposalSignOff,
    ProposalVote,
    VersionReason,
)
from hitrec_app.models.social import Comment, Notification
from hitrec_app.models.types import UTCDateTime, utcnow

__all__ = [
    "Challenge",
    "Comment",
    "Draft",
    "DraftCollaborator",
    "DraftSnapshot",
    "DraftUpdate",
    "EntryRemoval",
    "Heart",
    "LedgerEntry",
    "LiveEntry",
    "LiveEvent",
    "LiveParticipant",
    "LiveRound",
    "LiveSession",
    "LiveVote",
    "LoginAttempt",
    "MoneyEntry",
    "Notification",
    "PayProposal",
    "PayProposalLine",
    "PayProposalVersion",
    "Production",
    "ProductionContribution",
    "ProposalComment",
    "ProposalSignOff",
    "ProposalVote",
    "Record",
    "RecordAuthor",
    "RecordSource",
    "RecordTag",
    "UTCDateTime",
    "User",
    "UserSession",
    "VersionReason",
    "utcnow",
]
