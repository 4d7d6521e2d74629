#!/usr/bin/python3
"""Trains the Kavach risk model and exports it to ONNX (opset 13, IR 8) with onnx.helper.

Usage: /usr/bin/python3 models/train.py DATA_DIR   (models/train.sh runs the whole chain)

Reads DATA_DIR/{train,val,test}.csv written by models/Kavach.ModelData, trains three small MLPs with
scikit-learn on the same standardised input (fog class: softmax classifier; visibility: regressor on
log10 metres; obstacle inside the stopping distance: logistic classifier), picks the obstacle
threshold on the validation split, writes models/kavach-risk.onnx, models/metrics.json,
models/eval/heldout-small.csv and the model card models/README.md (from models/card.template.md).
Deterministic: fixed seeds, single-threaded BLAS (train.sh sets OPENBLAS_NUM_THREADS=1).
"""
import csv
import hashlib
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.neural_network import MLPClassifier, MLPRegressor

HERE = os.path.dirname(os.path.abspath(__file__))
HIDDEN = (32, 32)
SEED = 20260401
FOG_NAMES = ["clear", "shallow", "moderate", "dense", "very-dense"]
BAND_LIMITS = [(1000, 1e9), (500, 1000), (200, 500), (50, 200), (0, 50)]
TARGET_RECALL = 0.99
MAX_CLEAR_FA = 0.02
TRAIN_STRIDE = 3
VAL_FA_BUDGET = 0.0025  # an eighth of the 2 % target: the margin for conditions validation does not show
OBS_MEMBERS = 5  # obstacle MLPs averaged (seeds SEED..SEED+4): one network's quirks under unseen sensors average out
CLASS_MEDIUM = 2  # moderate: the floor's MEDIUM line (500 m)


def load(path):
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        rows = list(r)
    cols = {name: i for i, name in enumerate(header)}
    feat_start = cols["lidar_present"]
    feat_end = cols["vis_m"]
    names = header[feat_start:feat_end]

    def num(name, empty=np.nan):
        i = cols[name]
        return np.array([float(x[i]) if x[i] != "" else empty for x in rows])

    d = {
        "names": names,
        "X": np.array([[float(v) for v in x[feat_start:feat_end]] for x in rows], dtype=np.float32),
        "family": np.array([x[cols["family"]] for x in rows]),
        "episode": num("episode").astype(int),
        "heldout": num("heldout_sensors").astype(bool),
        "lidar_variant": np.array([x[cols["lidar_variant"]] for x in rows]),
        "t": num("t_s"),
        "vis": num("vis_m"),
        "fog": num("fog_class").astype(int),
        "present": num("obstacle_present").astype(bool),
        "range": num("obstacle_range_m"),
        "inzone": num("obstacle_in_zone").astype(bool),
        "observable": num("observable_in_zone").astype(bool),
        "at_ref": num("at_reference").astype(bool),
        "fault": num("unit_fault").astype(bool),
        "floor_level": num("floor_level").astype(int),
        "floor_vis": num("floor_vis_m"),
        "floor_hazard": num("floor_hazard").astype(bool),
        "header": header,
        "rows": rows,
    }
    # an obstacle somewhere during the window (the last 1 s): a window still holding a departed obstacle's
    # frames is not "without obstacles"
    d["recent"] = num("obstacle_in_window").astype(bool)
    return d


def forward(model, x, out):
    """The MLP's forward pass in numpy, exactly as the ONNX graph computes it."""
    h = x
    for w, b in zip(model.coefs_[:-1], model.intercepts_[:-1]):
        h = np.maximum(h @ w + b, 0)
    z = h @ model.coefs_[-1] + model.intercepts_[-1]
    if out == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    if out == "sigmoid":
        return 1 / (1 + np.exp(-z))
    return z


def predict(models, mean, inv_std, X):
    xs = (X - mean) * inv_std
    fog = forward(models["fog"], xs, "softmax")
    vis = forward(models["vis"], xs, "identity")[:, 0]
    obs = np.mean([forward(m, xs, "sigmoid")[:, 0] for m in models["obs"]], axis=0)
    return fog, vis, obs


def mlp_nodes(prefix, model, inp, nodes, inits):
    h = inp
    n = len(model.coefs_)
    for i, (w, b) in enumerate(zip(model.coefs_, model.intercepts_)):
        wn, bn = f"{prefix}_w{i}", f"{prefix}_b{i}"
        inits.append(numpy_helper.from_array(w.astype(np.float32), wn))
        inits.append(numpy_helper.from_array(b.astype(np.float32), bn))
        mm, add = f"{prefix}_mm{i}", f"{prefix}_z{i}"
        nodes.append(helper.make_node("MatMul", [h, wn], [mm]))
        nodes.append(helper.make_node("Add", [mm, bn], [add]))
        if i < n - 1:
            relu = f"{prefix}_h{i}"
            nodes.append(helper.make_node("Relu", [add], [relu]))
            h = relu
        else:
            h = add
    return h


def export(models, mean, inv_std, names, threshold, path):
    nodes, inits = [], []
    inits.append(numpy_helper.from_array(mean.astype(np.float32), "input_mean"))
    inits.append(numpy_helper.from_array(inv_std.astype(np.float32), "input_inv_std"))
    nodes.append(helper.make_node("Sub", ["features", "input_mean"], ["centred"]))
    nodes.append(helper.make_node("Mul", ["centred", "input_inv_std"], ["standardised"]))
    fog = mlp_nodes("fog", models["fog"], "standardised", nodes, inits)
    nodes.append(helper.make_node("Softmax", [fog], ["fog_probs"], axis=1))
    vis = mlp_nodes("vis", models["vis"], "standardised", nodes, inits)
    nodes.append(helper.make_node("Identity", [vis], ["visibility_log10_m"]))
    members = []
    for k, m in enumerate(models["obs"]):
        z = mlp_nodes(f"obs{k}", m, "standardised", nodes, inits)
        nodes.append(helper.make_node("Sigmoid", [z], [f"obs{k}_p"]))
        members.append(f"obs{k}_p")
    nodes.append(helper.make_node("Mean", members, ["obstacle_prob"]))
    graph = helper.make_graph(
        nodes, "kavach_risk",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", len(names)])],
        [helper.make_tensor_value_info("fog_probs", TensorProto.FLOAT, ["batch", 5]),
         helper.make_tensor_value_info("visibility_log10_m", TensorProto.FLOAT, ["batch", 1]),
         helper.make_tensor_value_info("obstacle_prob", TensorProto.FLOAT, ["batch", 1])],
        inits)
    model = helper.make_model(graph, producer_name="kavach-train", producer_version="1",
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    model.doc_string = "Kavach Edge fog and obstacle-risk model; see models/README.md"
    for k, v in {"features": ",".join(names), "fog_classes": ",".join(FOG_NAMES),
                 "high_probability": f"{threshold:.4f}"}.items():
        e = model.metadata_props.add()
        e.key, e.value = k, v
    onnx.checker.check_model(model)
    onnx.save(model, path)


def band_of(v):
    for i, (lo, hi) in enumerate(BAND_LIMITS):
        if lo < v <= hi or (i == 4 and v <= 50):
            return i
    return 0


def rate(num, den):
    return float(num) / float(den) if den else float("nan")


def alarm_latency(d, alarm, mask_eps):
    """Per episode: seconds from the first in-zone window to the first alarm at or after it."""
    out = []
    for ep in np.unique(d["episode"][mask_eps]):
        m = d["episode"] == ep
        z = d["inzone"][m]
        if not z.any():
            continue
        t = d["t"][m]
        a = alarm[m]
        first = np.argmax(z)
        hit = np.nonzero(a[first:])[0]
        out.append(t[first + hit[0]] - t[first] if len(hit) else float("inf"))
    return np.array(out)


def evaluate(d, fog_p, vis_log, obs_p, threshold):
    fog_pred = fog_p.argmax(axis=1)
    vis_pred = 10 ** vis_log
    model_alarm = obs_p >= threshold
    floor_alarm = d["floor_hazard"]
    fused = model_alarm | floor_alarm
    ok = ~d["fault"]
    inzone = d["inzone"]
    clear_empty = (d["vis"] > 1000) & ~d["recent"]
    no_zone = ~inzone
    res = {"windows": int(len(d["fog"])), "in_zone_windows": int(inzone.sum()),
           "observable_windows": int((d["observable"] & ok).sum()),
           "clear_empty_windows": int(clear_empty.sum())}
    res["fog_accuracy"] = rate((fog_pred == d["fog"]).sum(), len(fog_pred))
    cm = np.zeros((5, 5), dtype=int)
    for a, b in zip(d["fog"], fog_pred):
        cm[a, b] += 1
    res["fog_confusion"] = cm.tolist()
    floor_fog = np.array([band_of(v) if not np.isnan(v) else -1 for v in d["floor_vis"]])
    res["floor_fog_accuracy"] = rate((floor_fog == d["fog"]).sum(), len(fog_pred))
    res["floor_fog_unknown"] = rate((floor_fog < 0).sum(), len(fog_pred))
    # MEDIUM for fog (visibility <= 500 m, class >= moderate): what each layer says
    truth_med = d["fog"] >= CLASS_MEDIUM
    # the daemon's rule (ModelLayer.FogMedium): half the mass at or past the line, the visibility head within 2x
    model_med = (fog_p[:, CLASS_MEDIUM:].sum(axis=1) >= 0.5) & (vis_pred <= 2 * 500)
    floor_med = (~np.isnan(d["floor_vis"])) & (np.nan_to_num(d["floor_vis"], nan=1e9) <= 500)
    for name, pred in (("model", model_med), ("floor", floor_med), ("fused", model_med | floor_med)):
        res[f"fog_medium_recall_{name}"] = rate((pred & truth_med).sum(), truth_med.sum())
        res[f"fog_medium_false_{name}"] = rate((pred & ~truth_med).sum(), (~truth_med).sum())
    bands = []
    for i, nm in enumerate(FOG_NAMES):
        m = d["fog"] == i
        rel = np.abs(vis_pred[m] - d["vis"][m]) / d["vis"][m]
        fm = m & ~np.isnan(d["floor_vis"])
        frel = np.abs(d["floor_vis"][fm] - d["vis"][fm]) / d["vis"][fm]
        bands.append({"band": nm, "windows": int(m.sum()),
                      "median_rel_error": float(np.median(rel)) if m.any() else None,
                      "p90_rel_error": float(np.percentile(rel, 90)) if m.any() else None,
                      "floor_median_rel_error": float(np.median(frel)) if fm.any() else None,
                      "floor_coverage": rate(fm.sum(), m.sum())})
    res["visibility_bands"] = bands
    at_ref = d["at_ref"] & ~d["fault"]
    res["at_reference_windows"] = int(at_ref.sum())
    for name, alarm in (("model", model_alarm), ("floor", floor_alarm), ("fused", fused)):
        res[f"recall_at_reference_{name}"] = rate((alarm & at_ref).sum(), at_ref.sum())
        res[f"recall_{name}"] = rate((alarm & inzone).sum(), inzone.sum())
        res[f"recall_ok_{name}"] = rate((alarm & inzone & ok).sum(), (inzone & ok).sum())
        seen = d["observable"] & ok
        res[f"recall_observable_{name}"] = rate((alarm & seen).sum(), seen.sum())
        res[f"false_alarm_clear_{name}"] = rate((alarm & clear_empty).sum(), clear_empty.sum())
        res[f"false_alarm_no_zone_{name}"] = rate((alarm & no_zone).sum(), no_zone.sum())
        lat = alarm_latency(d, alarm, np.ones(len(alarm), dtype=bool))
        res[f"latency_median_s_{name}"] = float(np.median(lat)) if len(lat) else None
        res[f"latency_missed_episodes_{name}"] = int(np.isinf(lat).sum())
        res[f"latency_episodes"] = int(len(lat))
    return res


def pick_threshold(d, obs_p):
    """On validation: the lowest threshold (the most sensitive model: a missed alarm is the worst error) whose
    false-alarm rate in clear, empty windows stays within VAL_FA_BUDGET, capped at 0.5. Validation is drawn
    like training, so its recall saturates well above the target at any sensible threshold and says little
    about unseen sensors; the false-alarm budget is what bounds the threshold."""
    neg = np.sort(obs_p[(d["vis"] > 1000) & ~d["recent"]])
    by_fa = float(neg[min(len(neg) - 1, int(np.ceil((1 - VAL_FA_BUDGET) * len(neg))))])
    return float(min(by_fa, 0.5))


def main():
    data = sys.argv[1]
    np.random.seed(SEED)
    tr, va, te, dev = (load(os.path.join(data, f"{s}.csv")) for s in ("train", "val", "test", "test-dev"))
    names = tr["names"]
    # neighbouring windows overlap by 90 %: every third one keeps the variety at a third of the cost
    keep = np.arange(len(tr["fog"])) % TRAIN_STRIDE == 0
    tr = {k: (v[keep] if isinstance(v, np.ndarray) else v) for k, v in tr.items()}
    X = tr["X"]
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    inv_std = np.where(std > 1e-6, 1 / np.maximum(std, 1e-6), 0).astype(np.float32)
    xs = (X - mean) * inv_std
    common = dict(hidden_layer_sizes=HIDDEN, activation="relu", solver="adam", alpha=1e-4,
                  batch_size=256, learning_rate_init=2e-3, max_iter=30, random_state=SEED,
                  early_stopping=True, validation_fraction=0.1, n_iter_no_change=6, tol=1e-5)
    models = {}
    print("training fog classifier", flush=True)
    models["fog"] = MLPClassifier(**common).fit(xs, tr["fog"])
    print("training visibility regressor", flush=True)
    models["vis"] = MLPRegressor(**common).fit(xs, np.log10(tr["vis"]))
    print("training obstacle classifier", flush=True)
    # the label is what the sensors can show: an obstacle inside the stopping distance that a live sensor measured
    # in the window (a car hidden behind the reference target, or beyond every sensor's reach, is in no feature)
    models["obs"] = [MLPClassifier(**dict(common, hidden_layer_sizes=(48, 48), max_iter=60, random_state=SEED + k))
                     .fit(xs, tr["observable"].astype(int)) for k in range(OBS_MEMBERS)]
    assert list(models["fog"].classes_) == [0, 1, 2, 3, 4]

    _, _, vo = predict(models, mean, inv_std, va["X"])
    threshold = pick_threshold(va, vo)
    print(f"obstacle threshold {threshold:.4f}", flush=True)

    out = os.path.join(HERE, "kavach-risk.onnx")
    export(models, mean, inv_std, names, threshold, out)
    sha = hashlib.sha256(open(out, "rb").read()).hexdigest()

    metrics = {"sha256": sha, "high_probability": threshold, "features": names,
               "train_windows": int(len(tr["fog"])), "val_windows": int(len(va["fog"])),
               "train_episodes": int(len(np.unique(tr["episode"]))), "test_episodes": int(len(np.unique(te["episode"])))}
    for split, d in (("val", va), ("test", te), ("test_dev", dev)):
        f, v, o = predict(models, mean, inv_std, d["X"])
        metrics[split] = evaluate(d, f, v, o, threshold)
    fT, vT, oT = predict(models, mean, inv_std, te["X"])
    for label, m in (("test_seen_sensors", ~te["heldout"]), ("test_heldout_sensors", te["heldout"])):
        sub = {k: (v[m] if isinstance(v, np.ndarray) else v) for k, v in te.items()}
        metrics[label] = evaluate(sub, fT[m], vT[m], oT[m], threshold)

    # the small committed evaluation set: every k-th held-out window, with the expected outputs
    os.makedirs(os.path.join(HERE, "eval"), exist_ok=True)
    step = max(1, len(te["fog"]) // 4000)
    idx = np.arange(0, len(te["fog"]), step)
    small = {k: (v[idx] if isinstance(v, np.ndarray) else v) for k, v in te.items()}
    metrics["heldout_small"] = evaluate(small, fT[idx], vT[idx], oT[idx], threshold)
    metrics["small_step"] = int(step)
    with open(os.path.join(HERE, "eval", "heldout-small.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(te["header"] + ["p_" + n for n in FOG_NAMES] + ["p_vis_log10", "p_obstacle"])
        for i in idx:
            w.writerow(te["rows"][i] + [f"{x:.6g}" for x in fT[i]] + [f"{vT[i]:.6g}", f"{oT[i]:.6g}"])

    with open(os.path.join(HERE, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=1)
    write_card(metrics)
    print(json.dumps({k: metrics["test"][k] for k in metrics["test"] if not isinstance(metrics["test"][k], list)}, indent=1))
    print("sha256", sha)


def pct(x):
    return "n/a" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{100 * x:.1f} %"


def verdict(m):
    t = m["test"]
    ok_r = t["recall_observable_model"] >= TARGET_RECALL
    ok_f = t["false_alarm_clear_model"] <= MAX_CLEAR_FA
    lines = [f"**Targets** (recall ≥ {100 * TARGET_RECALL:.0f} % on observable in-zone windows, ≤ {100 * MAX_CLEAR_FA:.0f} % false alarms "
             f"in clear, empty windows), model alone on the held-out set: recall {pct(t['recall_observable_model'])} "
             f"({'met' if ok_r else 'NOT met'}), false alarms {pct(t['false_alarm_clear_model'])} ({'met' if ok_f else 'NOT met'})."]
    gain = t["recall_observable_fused"] - t["recall_observable_floor"]
    cost = t["false_alarm_clear_fused"] - t["false_alarm_clear_floor"]
    lines.append(f"**Against the floor alone:** adding the model changes observable recall from {pct(t['recall_observable_floor'])} "
                 f"to {pct(t['recall_observable_fused'])} ({100 * gain:+.1f} points) and clear, empty false alarms from "
                 f"{pct(t['false_alarm_clear_floor'])} to {pct(t['false_alarm_clear_fused'])} ({100 * cost:+.1f} points); "
                 f"held-out sensor variations: recall {pct(m['test_heldout_sensors']['recall_observable_floor'])} → "
                 f"{pct(m['test_heldout_sensors']['recall_observable_fused'])}, false alarms "
                 f"{pct(m['test_heldout_sensors']['false_alarm_clear_floor'])} → {pct(m['test_heldout_sensors']['false_alarm_clear_fused'])}. "
                 f"Fog: the model names the IMD band in {pct(t['fog_accuracy'])} of windows against {pct(t['floor_fog_accuracy'])} "
                 f"for the floor, and finds fog ≤ 500 m in {pct(t['fog_medium_recall_model'])} of such windows against "
                 f"{pct(t['fog_medium_recall_floor'])}.")
    return "\n\n".join(lines)


def write_card(m):
    t = m["test"]
    lines = []
    cm = ["| true \\ predicted | " + " | ".join(FOG_NAMES) + " |", "|---|" + "---|" * 5]
    for i, row in enumerate(t["fog_confusion"]):
        cm.append(f"| {FOG_NAMES[i]} | " + " | ".join(str(x) for x in row) + " |")
    bands = ["| band | windows | model median error | model p90 error | floor median error | floor has an estimate |", "|---|---|---|---|---|---|"]
    for b in t["visibility_bands"]:
        bands.append(f"| {b['band']} | {b['windows']} | {pct(b['median_rel_error'])} | {pct(b['p90_rel_error'])} | "
                     f"{pct(b['floor_median_rel_error'])} | {pct(b['floor_coverage'])} |")

    def row(label, d):
        return (f"| {label} | {pct(d['recall_observable_floor'])} / {pct(d['recall_observable_model'])} / {pct(d['recall_observable_fused'])} | "
                f"{pct(d['recall_floor'])} / {pct(d['recall_model'])} / {pct(d['recall_fused'])} | "
                f"{pct(d['false_alarm_clear_floor'])} / {pct(d['false_alarm_clear_model'])} / {pct(d['false_alarm_clear_fused'])} | "
                f"{pct(d['false_alarm_no_zone_floor'])} / {pct(d['false_alarm_no_zone_model'])} / {pct(d['false_alarm_no_zone_fused'])} |")
    obstacle = ["| set | recall, observable (floor / model / fused) | recall, all in-zone windows | false alarms, clear & empty | false alarms, no obstacle in zone |",
                "|---|---|---|---|---|",
                row("held-out test (all)", t), row("  sensors as in training", m["test_seen_sensors"]),
                row("  held-out sensor variations", m["test_heldout_sensors"]),
                row("held-out set studied during design (seed 20260403)", m["test_dev"]), row("validation", m["val"]),
                row("heldout-small.csv (committed)", m["heldout_small"])]
    fog_med = (f"| floor | {pct(t['fog_medium_recall_floor'])} | {pct(t['fog_medium_false_floor'])} |\n"
               f"| model | {pct(t['fog_medium_recall_model'])} | {pct(t['fog_medium_false_model'])} |\n"
               f"| fused (max) | {pct(t['fog_medium_recall_fused'])} | {pct(t['fog_medium_false_fused'])} |")
    latency = (f"Alarm latency over the {t['latency_episodes']} held-out episodes in which an obstacle enters the zone "
               f"(from the first in-zone window to the first alarm): median floor {t['latency_median_s_floor']:.1f} s, "
               f"model {t['latency_median_s_model']:.1f} s, fused {t['latency_median_s_fused']:.1f} s; "
               f"episodes never alarmed: floor {t['latency_missed_episodes_floor']}, model {t['latency_missed_episodes_model']}, "
               f"fused {t['latency_missed_episodes_fused']}.")
    at_ref = (f"Obstacles standing still at the reference target's range (not counted as observable, see Labels): "
              f"{t['at_reference_windows']} held-out windows; alarmed by the floor in {pct(t['recall_at_reference_floor'])}, "
              f"the model in {pct(t['recall_at_reference_model'])}, fused {pct(t['recall_at_reference_fused'])}.")
    tmpl = open(os.path.join(HERE, "card.template.md")).read()
    features = "\n".join(f"| {i} | `{n}` |" for i, n in enumerate(m["features"]))
    card = (tmpl.replace("{{SHA256}}", m["sha256"]).replace("{{THRESHOLD}}", f"{m['high_probability']:.4f}")
            .replace("{{FEATURE_TABLE}}", features)
            .replace("{{TRAIN_WINDOWS}}", str(m["train_windows"])).replace("{{VAL_WINDOWS}}", str(m["val_windows"]))
            .replace("{{TEST_WINDOWS}}", str(t["windows"])).replace("{{TRAIN_EPISODES}}", str(m["train_episodes"]))
            .replace("{{TEST_EPISODES}}", str(m["test_episodes"]))
            .replace("{{FOG_ACCURACY}}", pct(t["fog_accuracy"])).replace("{{FLOOR_FOG_ACCURACY}}", pct(t["floor_fog_accuracy"]))
            .replace("{{FLOOR_FOG_UNKNOWN}}", pct(t["floor_fog_unknown"]))
            .replace("{{FOG_CONFUSION}}", "\n".join(cm)).replace("{{VIS_BANDS}}", "\n".join(bands))
            .replace("{{OBSTACLE_TABLE}}", "\n".join(obstacle)).replace("{{FOG_MEDIUM}}", fog_med)
            .replace("{{LATENCY}}", latency).replace("{{AT_REFERENCE}}", at_ref)
            .replace("{{SMALL_FOG_ACCURACY}}", pct(m["heldout_small"]["fog_accuracy"]))
            .replace("{{SMALL_RECALL_OK}}", pct(m["heldout_small"]["recall_observable_model"]))
            .replace("every 29th", f"every {m['small_step']}th").replace("{{VERDICT}}", verdict(m))
            .replace("{{SMALL_FA_CLEAR}}", pct(m["heldout_small"]["false_alarm_clear_model"])))
    with open(os.path.join(HERE, "README.md"), "w") as f:
        f.write(card)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--card":  # regenerate the card from metrics.json
        write_card(json.load(open(sys.argv[2])))
    else:
        main()
