import pytest

from tests.support.visitors import english_visitor


@pytest.fixture
def browser():
    """A maker of anonymous English-speaking visitors (tests.support.visitors)."""
    return english_visitor
