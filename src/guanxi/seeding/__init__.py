"""Demo and generated data: a realistic organisation, people for every role, customers."""
