#!/usr/bin/env python3
"""The scikit-learn reference for callops's learned lead scoring (SPEC section 5).

Reads UCI Bank Marketing (../shared/data/bank_marketing/bank-full.csv), drops `duration` (known
only after the call), splits the rows exactly as `callops leads score train --holdout 0.3
--seed 1` splits the leads they become (lead id = row number, SplitMix64 of the seed and the id),
fits scikit-learn's LogisticRegression on the 70% and prints the hold-out AUC and the top-20%
capture. Run once (`pip install scikit-learn`); its figures are written into
Tests/CLITests/ScoringCLITests.swift, which runs without Python.

    python3 scripts/score-reference.py [path/to/bank-full.csv] [--seed 1] [--holdout 0.3]
"""
import argparse
import csv

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import KBinsDiscretizer, OneHotEncoder, StandardScaler

MASK = (1 << 64) - 1


def split_unit(seed: int, lead_id: int, salt: int = 0) -> float:
    """callops's ScoreTraining.splitUnit: one SplitMix64 step from seed ^ (id * K) ^ salt."""
    state = (seed ^ ((lead_id * 0xD1B54A32D192ED03) & MASK) ^ salt) & MASK
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    z = z ^ (z >> 31)
    return (z >> 11) * 2.0**-53


def capture_top(scores, labels, share=0.2):
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    take = max(1, round(len(scores) * share))
    caught = sum(labels[i] for i in order[:take])
    return caught / sum(labels)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path", nargs="?", default="../shared/data/bank_marketing/bank-full.csv")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--holdout", type=float, default=0.3)
    args = parser.parse_args()

    with open(args.path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    numeric = ["age", "balance", "day", "campaign", "pdays", "previous"]
    categorical = ["job", "marital", "education", "default", "housing", "loan", "contact", "month", "poutcome"]
    columns = numeric + categorical
    X = np.array([[r[c] for c in columns] for r in rows], dtype=object)
    for k in range(len(numeric)):
        X[:, k] = X[:, k].astype(float)
    y = np.array([r["y"] == "yes" for r in rows], dtype=int)
    test = np.array([split_unit(args.seed, i + 1) < args.holdout for i in range(len(rows))])
    print(f"rows {len(rows)}, sales {y.sum()}, hold-out {test.sum()} rows with {y[test].sum()} sales")

    num_idx = list(range(len(numeric)))
    cat_idx = list(range(len(numeric), len(columns)))
    variants = {
        "standardised numbers": ColumnTransformer([
            ("num", StandardScaler(), num_idx),
            ("cat", OneHotEncoder(handle_unknown="ignore"), cat_idx)]),
        "numbers in 10 quantile bins": ColumnTransformer([
            ("num", KBinsDiscretizer(n_bins=10, encode="onehot", strategy="quantile"), num_idx),
            ("cat", OneHotEncoder(handle_unknown="ignore"), cat_idx)]),
    }
    for name, features in variants.items():
        model = make_pipeline(features, LogisticRegression(max_iter=5000))
        model.fit(X[~test], y[~test])
        scores = model.predict_proba(X[test])[:, 1]
        auc = roc_auc_score(y[test], scores)
        capture = capture_top(list(scores), list(y[test]))
        print(f"LogisticRegression (C=1), {name}: hold-out AUC {auc:.4f}, top-20% capture {capture:.4f}")


if __name__ == "__main__":
    main()
