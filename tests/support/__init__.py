"""What the tests share that is not a test: helpers, device plugins, scripts run by tests."""
