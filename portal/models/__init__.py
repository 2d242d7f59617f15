"""Domain models of the modules built before the manifest, one module per area, re-exported for
imports; new modules keep their models in their own package and declare them in their manifest."""
from .base import ScopedModel
from .org import UNIT_KINDS, Unit
from .users import ROLES, User
from .audit import AuditLog
from .attachments import Attachment
from .supervision import STATES, ExtensionRequest, Notice, SupervisedItem, SupervisionEvent
from .notifications import Notification
from .agreements import AGREEMENT_STATES, ITEM_KINDS, Agreement, AgreementItem, AgreementTemplate, TemplateItem
from .jobs import PrintJob
from .inspections import (ROUND_STATES, SEVERITIES, VERDICTS, ChecklistItem, ChecklistTemplate, Finding,
                          InspectionRound, ItemResult, RoundMember, RoundUnit)
from .legal import (FORMS, SCORED_FORMS, Attendance, Law, LawReach, LegalPlan, LegalSession, PlanLaw, SessionLaw,
                    StaffMember)
from .petitions import (CHANNELS, PETITION_STATES, SATISFACTION, TASK_SOURCES, AssignedTask, Petition,
                        PetitionCategory, Petitioner, PetitionVisit)
from .veto import (MEASURES, SANCTION_KINDS, TRIGGERS, VETO_STATES, Accountability, AccountablePerson, Sanction,
                   VetoEvent)

__all__ = ["ScopedModel", "UNIT_KINDS", "Unit", "ROLES", "User", "AuditLog", "Attachment", "STATES",
           "SupervisedItem", "SupervisionEvent", "ExtensionRequest", "Notice", "Notification", "AGREEMENT_STATES", "ITEM_KINDS", "Agreement",
           "AgreementItem", "AgreementTemplate", "TemplateItem", "PrintJob", "MEASURES", "SANCTION_KINDS", "TRIGGERS", "VETO_STATES",
           "Accountability", "AccountablePerson", "Sanction", "VetoEvent", "ROUND_STATES", "SEVERITIES",
           "VERDICTS", "ChecklistItem", "ChecklistTemplate", "Finding", "InspectionRound", "ItemResult",
           "RoundMember", "RoundUnit", "FORMS", "SCORED_FORMS", "Attendance", "Law", "LegalPlan", "LegalSession",
           "PlanLaw", "SessionLaw", "StaffMember", "LawReach", "CHANNELS", "PETITION_STATES", "SATISFACTION",
           "TASK_SOURCES", "AssignedTask", "Petition", "PetitionCategory", "Petitioner", "PetitionVisit"]
