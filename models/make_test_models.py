#!/usr/bin/python3
"""Writes the small ONNX files the tests use to check refusal and fallback (run by models/train.sh):
wrong-shape.onnx (input [batch, 10]: not the card's 39 features) and nan.onnx (the card's contract,
but every output is NaN: a model that fails at run time)."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "Kavach.Edge.Tests", "Model", "Fixtures")
N = 39


def model(width, nan):
    nodes, inits = [], []
    for name, w in (("fog_probs", 5), ("visibility_log10_m", 1), ("obstacle_prob", 1)):
        inits.append(numpy_helper.from_array(np.zeros((width, w), np.float32), name + "_w"))
        inits.append(numpy_helper.from_array(np.full((w,), np.nan if nan else 0.2, np.float32), name + "_b"))
        nodes.append(helper.make_node("MatMul", ["features", name + "_w"], [name + "_mm"]))
        nodes.append(helper.make_node("Add", [name + "_mm", name + "_b"], [name]))
    g = helper.make_graph(nodes, "fixture", [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", width])],
                          [helper.make_tensor_value_info("fog_probs", TensorProto.FLOAT, ["batch", 5]),
                           helper.make_tensor_value_info("visibility_log10_m", TensorProto.FLOAT, ["batch", 1]),
                           helper.make_tensor_value_info("obstacle_prob", TensorProto.FLOAT, ["batch", 1])], inits)
    m = helper.make_model(g, producer_name="kavach-test-fixture", opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


os.makedirs(OUT, exist_ok=True)
onnx.save(model(10, False), os.path.join(OUT, "wrong-shape.onnx"))
onnx.save(model(N, True), os.path.join(OUT, "nan.onnx"))
