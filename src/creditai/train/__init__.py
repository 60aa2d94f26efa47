"""Trainers (classifier, embeddings, sft) and the helpers they share (common.py)."""
