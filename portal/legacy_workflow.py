"""TEMPORARY: the old per-module Transition shape, removed once every module moves to portal.workflow.
workflow shares (who may, for which unit, from which state)."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    """One allowed step: its label, the states it leaves, the state it reaches, who may take it."""

    label: str
    sources: tuple
    target: str
    roles: frozenset
    own_unit: bool = False  # only users of the record's own unit


def refusal(transition, user, record, own_unit_message, state_message):
    """The Chinese reason a user may not take this step on this record now, or None."""
    if user.role not in transition.roles:
        return f"您的角色不能{transition.label}。"
    if transition.own_unit and user.unit_id != record.unit_id:
        return own_unit_message
    if record.state not in transition.sources:
        return state_message
    return None
