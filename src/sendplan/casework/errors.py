"""Errors the casework services raise, with messages a caseworker can act on."""

from __future__ import annotations

from sendplan.core.errors import StaleEdit

__all__ = ["StaleEdit", "TransitionRefused"]


class TransitionRefused(Exception):
    """The step is not lawful or not possible at the stage the case or plan has reached.

    The message is plain English, written for the caseworker who tried the step.
    """

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)
