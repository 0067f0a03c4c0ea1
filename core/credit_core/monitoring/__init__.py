"""Model monitoring: observed outcomes, performance metrics, drift reports, champion/challenger comparison."""
