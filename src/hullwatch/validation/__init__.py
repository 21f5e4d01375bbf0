"""Validation of hullwatch's estimators against simulated truth (uses the simulator)."""
