"""Domain models, one module per area; import them from here."""
from .base import ScopedModel
from .org import UNIT_KINDS, Unit
from .users import ROLES, User
from .audit import AuditLog
from .attachments import Attachment

ALL_MODELS = [Unit, User, AuditLog, Attachment]

__all__ = ["ScopedModel", "UNIT_KINDS", "Unit", "ROLES", "User", "AuditLog", "Attachment", "ALL_MODELS"]
