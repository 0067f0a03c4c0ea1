"""HTTP-free explanation logic: exact TreeSHAP, plain-language reasons, population look-ups, similar clients,
joint distributions and counterfactuals. The explain service only wires these to HTTP."""
