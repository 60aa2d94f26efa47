"""Data: the eligibility policy, synthetic generation, JSONL I/O and the rule-based classifier."""
