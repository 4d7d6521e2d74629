#!/usr/bin/python3
"""Writes the model's training envelope: per input, the lowest and highest value seen in the windows it was trained on.

Usage: /usr/bin/python3 models/envelope.py DATA_DIR   (models/train.sh runs it after train.py)

Reads DATA_DIR/train.csv (models/Kavach.ModelData), keeps every TRAIN_STRIDE-th window exactly as train.py does,
and writes models/kavach-risk.envelope.json beside the model: the model's SHA-256, the tolerance and per input
its name, meaning (from src/Kavach.Edge/Model/FeatureVector.cs), min and max. It also checks that the
training-set mean it recomputes equals the `input_mean` baked into the ONNX graph, so an envelope can never be
written from data the committed model was not trained on. The daemon (Model/ModelEnvelope.cs) refuses an
envelope whose SHA-256 is not its model's, and abstains when a window's input lies outside [min − t, max + t]
with t = TOLERANCE × (max − min).
"""
import csv
import hashlib
import json
import os
import re
import sys

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
TRAIN_STRIDE = 3  # as train.py
TOLERANCE = 0.05  # of each input's training span: values just past the edge are rounding, not a new world


def meanings():
    """Each input's comment in FeatureVector.Names ("1 = at least one live LiDAR", units and scale)."""
    src = open(os.path.join(HERE, "..", "src", "Kavach.Edge", "Model", "FeatureVector.cs"), encoding="utf-8").read()
    return {m.group(1): m.group(2).strip() for m in re.finditer(r'"([a-z_0-9]+)",\s*//\s*\d+\s+(.*)', src)}


def main():
    data = sys.argv[1]
    with open(os.path.join(data, "train.csv"), newline="") as f:
        r = csv.reader(f)
        header = next(r)
        start, end = header.index("lidar_present"), header.index("vis_m")
        rows = [x[start:end] for i, x in enumerate(r) if i % TRAIN_STRIDE == 0]
    names = header[start:end]
    X = np.array(rows, dtype=np.float32)
    model_path = os.path.join(HERE, "kavach-risk.onnx")
    model = onnx.load(model_path)
    baked = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}["input_mean"]
    if not np.allclose(X.mean(axis=0), baked, atol=1e-4):
        sys.exit("envelope.py: this train.csv is not the data kavach-risk.onnx was trained on (input_mean differs)")
    sha = hashlib.sha256(open(model_path, "rb").read()).hexdigest()
    m = meanings()
    env = {
        "model": "kavach-risk.onnx",
        "modelSha256": sha,
        "windows": int(len(X)),
        "tolerance": TOLERANCE,
        "madeBy": "models/envelope.py on models/Kavach.ModelData train.csv (every 3rd window, as train.py)",
        "inputs": [{"name": n, "meaning": m.get(n, ""), "min": round(float(X[:, i].min()), 6), "max": round(float(X[:, i].max()), 6)}
                   for i, n in enumerate(names)],
    }
    out = os.path.join(HERE, "kavach-risk.envelope.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(env, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{out}: {len(names)} inputs over {len(X)} training windows")


if __name__ == "__main__":
    main()
