"""Analyses: questions asked of the compartment gas-mass series."""
