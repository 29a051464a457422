"""Helpers the tests share: fixtures' building blocks, a component made for tests, the layers contract."""
