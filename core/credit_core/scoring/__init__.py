"""HTTP-free scoring (what the scoring service's routes call), one job per module:

- scorer.py: `Scorer(bundle).predict(records) -> Scores`, the one door to the model and its speed machinery
  (compiled tree evaluator over stored category hashes, CatBoost fallback);
- scores.py: what it returns (Scores column by column, ScoreResult for one row); decisions from credit_core.decision;
- application_features.py: features of many new applications in one pipeline pass, and their audit hash;
- coalescer.py: concurrent one-client requests share one feature read, one predict, one audit write;
- batches.py: big batches of ids or applications, pipelined by chunks (read / score / write overlap);
- audit.py: the decision audit trail, its one write path and its read;
- model_report.py: the served bundle's evaluation report and model card.
"""
