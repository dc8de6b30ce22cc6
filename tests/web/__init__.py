"""Web tests."""
