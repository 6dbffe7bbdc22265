"""Recommender: interaction data, baselines, the two-tower model and their evaluation.

Importable without Reflex and without TensorFlow: only `recs.model` imports TensorFlow, and
only when a model is trained, so the web process can use this package for serving.
"""
