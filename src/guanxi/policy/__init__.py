"""Regulations as data: the policy file of the installation, loaded and validated at start-up."""
