"""Plans shared with the plans tests."""

from tests.plans.conftest import make_plan

__all__ = ["make_plan"]
