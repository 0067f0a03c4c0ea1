"""Scoring service: default probability and granted/refused decision per client or new application."""
