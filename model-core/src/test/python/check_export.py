"""Loads models exported by seqstream with real Keras 3 and compares their predictions with seqstream's.

Usage: check_export.py CASE_DIR [CASE_DIR ...]
Each CASE_DIR holds model.keras and/or model.h5 (written by KerasExport), inputs_<i>.npy (float32 or int32)
or inputs_<i>.txt (string rows, space separated), and expected.npy (seqstream's predict). Prints one line per
file and exits 1 if any file fails to load or differs by more than 1e-5.

The backend is KERAS_BACKEND (default jax). Keras 3's StringLookup needs TensorFlow: run string-input cases
with KERAS_BACKEND=tensorflow in a venv that has tensorflow-cpu.
"""
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import keras  # noqa: E402

TOL = 1e-5


def read_inputs(case):
    xs = []
    i = 0
    while True:
        npy, txt = os.path.join(case, f"inputs_{i}.npy"), os.path.join(case, f"inputs_{i}.txt")
        if os.path.exists(npy):
            xs.append(np.load(npy))
        elif os.path.exists(txt):
            with open(txt, encoding="utf-8") as f:
                xs.append(np.array([line.rstrip("\n").split(" ") for line in f if line.strip()]))
        else:
            break
        i += 1
    return xs


def predict(model, xs):
    if any(x.dtype.kind in "US" for x in xs):
        import tensorflow as tf  # Keras 3 takes strings as tf string tensors (TensorFlow backend only)

        xs = [tf.constant(x) if x.dtype.kind in "US" else x for x in xs]
    return np.asarray(model(xs if len(xs) > 1 else xs[0], training=False))


def main(cases):
    failed = 0
    for case in cases:
        xs = read_inputs(case)
        expected = np.load(os.path.join(case, "expected.npy"))
        for name in ("model.keras", "model.h5"):
            path = os.path.join(case, name)
            if not os.path.exists(path):
                continue
            try:
                model = keras.models.load_model(path, compile=False)
                got = predict(model, xs)
                err = float(np.max(np.abs(got.astype("float64") - expected))) if got.shape == expected.shape else float("inf")
                ok = err <= TOL
                print(f"{'OK' if ok else 'FAIL'} {path} shape {got.shape} max abs diff {err:.3g}")
            except Exception as e:  # noqa: BLE001 - report and go on
                ok = False
                print(f"FAIL {path}: {type(e).__name__}: {e}")
            failed += 0 if ok else 1
    print(f"keras {keras.__version__} backend {keras.backend.backend()}: {failed} failure(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1:]))
