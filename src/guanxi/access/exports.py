"""Secrecy of exports (DOC-5; 000 §20.1, §21.1): an export of more than the policy's number of
records says how many will leave and is made only after the person confirms that number.

The rule lives here, below every export, so the pages, the API and any later export refuse an
unconfirmed large export the same way; a page's confirm step is only its way of asking."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from guanxi.params import int_param
from guanxi.policy.loader import current as current_policy

CONFIRM_PARAM = "confirm"


class ExportNotConfirmed(Exception):
    """The export is larger than the policy allows without a confirmation of its size."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.limit = confirm_above()
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _(
            "%(count)s records would leave with this export, more than %(limit)s: confirm the "
            "number to export them."
        ) % {"count": self.count, "limit": self.limit}


def confirm_above() -> int:
    """How many records an export may carry without a confirmation, from the policy."""
    return current_policy().exports.confirm_above


def confirmed_from(params: Mapping[str, str], *, strict: bool = False) -> int | None:
    """The number of records the person confirmed, or None; nonsense counts as none on a page
    and is refused (`BadNumber`) by the API, like every integer parameter."""
    return int_param(params, CONFIRM_PARAM, low=0, high=10**9 - 1, strict=strict)


def check_confirmed(*, count: int, confirmed: int | None) -> None:
    """Refuse an export of more than the policy's number of records unless the person
    confirmed at least as many (a list that grew since the question is asked again)."""
    if count > confirm_above() and (confirmed is None or confirmed < count):
        raise ExportNotConfirmed(count)
