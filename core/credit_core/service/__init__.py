"""Building blocks shared by the scoring and explain services: errors, auth, limits, observability, model."""
