"""Builds dev.jsonl and holdout.jsonl from the compact source files in src/ (synthetic data)."""
import json, sys, os
KEYS = ["visit_request","psychological","sleep","appetite_loss","seizure","fatigue","consciousness",
        "fever","respiratory","cost","urinary","pain","gastrointestinal"]
ABBR = {"vr":"visit_request","psy":"psychological","slp":"sleep","app":"appetite_loss","sz":"seizure",
        "fat":"fatigue","con":"consciousness","fev":"fever","resp":"respiratory","cost":"cost",
        "uri":"urinary","pain":"pain","gi":"gastrointestinal"}
here = os.path.dirname(os.path.abspath(__file__))
def build(srcs, out):
    ids = set(); n = 0
    with open(os.path.join(here, "..", out), "w", encoding="utf-8") as f:
        for src in srcs:
            for line in open(os.path.join(here, src), encoding="utf-8"):
                line = line.rstrip("\n")
                if not line.strip() or line.startswith("#"): continue
                parts = line.split("|")
                assert len(parts) == 5, line[:20]
                id_, lang, pos, text, tr = parts
                assert id_ not in ids, id_; ids.add(id_)
                labels = {k: False for k in KEYS}
                for p in filter(None, pos.split(",")):
                    labels[ABBR[p]] = True
                f.write(json.dumps({"id": id_, "text": text, "language": lang,
                                    "translation": tr or text, "labels": labels}, ensure_ascii=False) + "\n")
                n += 1
    print(out, n)
build(["dev1.txt","dev2.txt","dev3.txt"], "dev.jsonl")
build(["holdout.txt"], "holdout.jsonl")
build(["holdout_b.txt"], "holdout_b.jsonl")
