"""Builds the ONNX Runtime peer of the GRU step benchmark: Embedding(1000, 64) -> GRU(H, reset_after=True)
-> Dense(10, softmax), one time step for B keys whose state h is carried outside the model.

Usage: make_gru_peer.py SHARED_PEERS_ONNX_DIR OUT_DIR
For H in 128 and 256 it takes the embedding and Dense weights of the LSTM peer (SHARED/H<H>/emb.npy, dk.npy,
db.npy), draws GRU weights (seeded), and writes OUT_DIR/H<H>/: gru_step.onnx (inputs token int64 [B],
h float [B,H]; outputs probs [B,10], h_out [B,H]), the weights in Keras layout (emb, kernel [64,3H],
rec [H,3H], bias [2,3H] with gates z, r, h; dk, db) and a reference run (ref_tokens [6,4], ref_probs [6,4,10],
ref_h [4,H]) from ONNX Runtime. ONNX's GRU with linear_before_reset=1 is Keras' reset_after=True.
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper


def build(shared, out, units):
    src = os.path.join(shared, f"H{units}")
    emb, dk, db = (np.load(os.path.join(src, f)) for f in ("emb.npy", "dk.npy", "db.npy"))
    rng = np.random.default_rng(1400 + units)
    e = emb.shape[1]
    kernel = rng.uniform(-1, 1, size=(e, 3 * units)).astype("float32") * np.sqrt(6 / (e + 3 * units)).astype("float32")
    rec = (rng.standard_normal((units, 3 * units)) / np.sqrt(units)).astype("float32")
    bias = (0.1 * rng.standard_normal((2, 3 * units))).astype("float32")
    d = os.path.join(out, f"H{units}")
    os.makedirs(d, exist_ok=True)
    for name, a in (("emb", emb), ("kernel", kernel), ("rec", rec), ("bias", bias), ("dk", dk), ("db", db)):
        np.save(os.path.join(d, f"{name}.npy"), a)

    inits = [
        numpy_helper.from_array(emb, "emb"),
        numpy_helper.from_array(kernel.T[None, :, :].copy(), "W"),        # [1, 3H, E], gates z, r, h
        numpy_helper.from_array(rec.T[None, :, :].copy(), "R"),           # [1, 3H, H]
        numpy_helper.from_array(bias.reshape(1, 6 * units).copy(), "B"),  # [Wb z,r,h | Rb z,r,h]
        numpy_helper.from_array(dk, "dk"),
        numpy_helper.from_array(db, "db"),
        numpy_helper.from_array(np.array([0], dtype=np.int64), "axis0"),
    ]
    nodes = [
        helper.make_node("Gather", ["emb", "token"], ["x"], axis=0),                  # [B, E]
        helper.make_node("Unsqueeze", ["x", "axis0"], ["x1"]),                         # [1, B, E]
        helper.make_node("Unsqueeze", ["h", "axis0"], ["h1"]),                         # [1, B, H]
        helper.make_node("GRU", ["x1", "W", "R", "B", "", "h1"], ["", "h_last"], hidden_size=units, linear_before_reset=1),
        helper.make_node("Squeeze", ["h_last", "axis0"], ["h_out"]),                   # [B, H]
        helper.make_node("MatMul", ["h_out", "dk"], ["logits0"]),
        helper.make_node("Add", ["logits0", "db"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["probs"], axis=-1),
    ]
    graph = helper.make_graph(
        nodes, f"gru_step_h{units}",
        [helper.make_tensor_value_info("token", TensorProto.INT64, ["B"]), helper.make_tensor_value_info("h", TensorProto.FLOAT, ["B", units])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["B", 10]), helper.make_tensor_value_info("h_out", TensorProto.FLOAT, ["B", units])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = os.path.join(d, "gru_step.onnx")
    onnx.save(model, path)

    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    tokens = rng.integers(0, emb.shape[0], size=(6, 4)).astype(np.int64)
    h = np.zeros((4, units), dtype=np.float32)
    probs = []
    for t in range(6):
        p, h = sess.run(["probs", "h_out"], {"token": tokens[t], "h": h})
        probs.append(p)
    np.save(os.path.join(d, "ref_tokens.npy"), tokens)
    np.save(os.path.join(d, "ref_probs.npy"), np.stack(probs).astype("float32"))
    np.save(os.path.join(d, "ref_h.npy"), h)
    print(f"wrote {d}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    for u in (128, 256):
        build(sys.argv[1], sys.argv[2], u)
