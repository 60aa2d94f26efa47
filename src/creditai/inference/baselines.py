"""Reference classifiers for the evaluation harness and the benchmark.

`tfidf_baseline(train_rows)` fits TF-IDF (word 1-2-grams + char 3-5-grams) + logistic
regression on JSONL-style rows; the returned sklearn pipeline has `.predict(texts)` and
`.predict_proba(texts)` (columns in `.classes_` order).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping


def tfidf_baseline(
    train_rows: Iterable[Mapping[str, Any]],
    *,
    text_field: str = "text",
    label_field: str = "label",
    seed: int = 42,
) -> Any:
    """Fit and return a TF-IDF + LogisticRegression pipeline on `train_rows`."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline

    rows = list(train_rows)
    if not rows:
        raise ValueError("tfidf_baseline: no training rows")
    texts = [str(r[text_field]) for r in rows]
    labels = [r[label_field] for r in rows]
    features = FeatureUnion([
        ("word", TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, lowercase=True)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True)),
    ])
    model = Pipeline([
        ("features", features),
        ("clf", LogisticRegression(C=10.0, max_iter=2000, random_state=seed)),
    ])
    model.fit(texts, labels)
    return model


def rules_baseline() -> Any:
    """The policy's rule-based classifier behind a `.predict(texts) -> labels` interface."""
    from creditai.data.rules import RuleClassifier

    rc = RuleClassifier()

    class _Rules:
        def predict(self, texts: Iterable[str]) -> list[str]:
            return [rc.predict(t).label for t in texts]

    return _Rules()


__all__ = ["tfidf_baseline", "rules_baseline"]
