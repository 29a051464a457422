"""Fixtures shared by the themes tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def leader(client_as):
    """A test client signed in as a leader."""
    return client_as("leader")
