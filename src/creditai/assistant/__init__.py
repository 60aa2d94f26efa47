"""The answer pipeline: composer and compliance guard."""
