"""Improvement proposals 改进方案, the company improvement plan and forwarded seminar opinions."""
