#!/usr/bin/env python3
"""Recomputes the study's table from exported run records with scikit-learn and numpy, independently of the C# code.

Usage: study_table.py manifest.json  (a list of {"run_id", "records": path to the run's JSON records export,
"exclude_missing": bool}). Prints a JSON object run_id -> {"macro_f1"|"mcc"|"sensitivity"|"specificity"|"missing_rate":
{"median", "q1", "q3"}} over the features labelled in the records. Labels: LABEL_TRUE/LABEL_FALSE count, anything else
is unknown and left out; a prediction that is not "true"/"false" (or a failed record) is missing, scored as
False unless missing outputs are excluded (the study scores them as negative).
"""
import json
import sys
import warnings

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, matthews_corrcoef, recall_score

warnings.simplefilter("ignore")  # zero_division: sklearn's default gives 0 with a warning


def prediction(record, key):
    for feature in record.get("features", []):
        if feature.get("key") == key:
            return {"true": 1, "false": 0}.get(str(feature.get("value")).lower())
    return None


def score(records, exclude_missing):
    keys = sorted({k for r in records for k, v in r.get("labels", {}).items() if v in ("LABEL_TRUE", "LABEL_FALSE")})
    values = {name: [] for name in ("macro_f1", "mcc", "sensitivity", "specificity", "missing_rate")}
    for key in keys:
        y_true, y_pred, labelled, missing = [], [], 0, 0
        for r in records:
            label = r.get("labels", {}).get(key)
            if label not in ("LABEL_TRUE", "LABEL_FALSE"):
                continue
            labelled += 1
            p = prediction(r, key)
            if p is None:
                missing += 1
                if exclude_missing:
                    continue
                p = 0
            y_true.append(1 if label == "LABEL_TRUE" else 0)
            y_pred.append(p)
        values["missing_rate"].append(missing / labelled if labelled else 0.0)
        if not y_true:
            continue
        tn, fp, fn, tp = confusion_matrix(y_true, y_pred, labels=[0, 1]).ravel()
        values["macro_f1"].append(float(f1_score(y_true, y_pred, average="macro", zero_division=0)))
        values["mcc"].append(float(matthews_corrcoef(y_true, y_pred)))
        values["sensitivity"].append(float(recall_score(y_true, y_pred, zero_division=0)))
        values["specificity"].append(float(tn / (tn + fp)) if tn + fp > 0 else 0.0)
    return {name: {"median": float(np.percentile(v, 50)), "q1": float(np.percentile(v, 25)), "q3": float(np.percentile(v, 75))}
            for name, v in values.items() if v}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        manifest = json.load(f)
    table = {}
    for run in manifest:
        with open(run["records"], encoding="utf-8") as f:
            records = json.load(f)
        table[run["run_id"]] = score(records, run.get("exclude_missing", False))
    json.dump(table, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
