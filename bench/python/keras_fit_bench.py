"""Keras/TensorFlow reference for model-core's fit speed (docs/BENCHMARKS.md, "Training speed").

Embedding(40,16) -> LSTM(128, return_sequences=True) -> Dense(40, softmax), sparse categorical cross-entropy,
Adam(0.003), batch 64, 8,000 sequences x 32 steps of uniform random tokens (next-token targets), one intra-op
and one inter-op thread. Prints wall and CPU seconds per epoch; the first epoch includes tracing, so the
summary line takes the median of the later ones (the same rule as io.seqstream.bench.FitBenchmark).

    python3 -m venv /work/venv-tf && /work/venv-tf/bin/pip install tensorflow-cpu==2.21.0 keras==3.15.1
    /work/venv-tf/bin/python bench/python/keras_fit_bench.py [--epochs 4] [--units 128] [--sequences 8000]
"""
import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)

import keras  # noqa: E402


class EpochTimes(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.wall, self.cpu = [], []

    def on_epoch_begin(self, epoch, logs=None):
        self._w, self._c = time.perf_counter(), time.process_time()

    def on_epoch_end(self, epoch, logs=None):
        self.wall.append(time.perf_counter() - self._w)
        self.cpu.append(time.process_time() - self._c)
        print(f"Epoch {epoch + 1} - {self.wall[-1]:.2f}s - cpu {self.cpu[-1]:.2f}s - loss: {logs['loss']:.4f}", flush=True)


def later_median(v):
    later = sorted(v[1:] if len(v) > 1 else v)
    return later[len(later) // 2]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--units", type=int, default=128)
    p.add_argument("--sequences", type=int, default=8000)
    p.add_argument("--length", type=int, default=32)
    p.add_argument("--batch", type=int, default=64)
    a = p.parse_args()
    vocab = 40
    rng = np.random.default_rng(1)
    tokens = rng.integers(0, vocab, size=(a.sequences, a.length + 1), dtype=np.int32)
    x, y = tokens[:, :-1], tokens[:, 1:]
    model = keras.Sequential([
        keras.Input(shape=(None,), dtype="int32"),
        keras.layers.Embedding(vocab, 16),
        keras.layers.LSTM(a.units, return_sequences=True),
        keras.layers.Dense(vocab, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.003), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    t = EpochTimes()
    model.fit(x, y, batch_size=a.batch, epochs=a.epochs, shuffle=True, verbose=0, callbacks=[t])
    print(f"keras fit: LSTM({a.units}), {a.sequences} x {a.length}, batch {a.batch}, TF {tf.__version__}, Keras {keras.__version__}: "
          f"{later_median(t.wall):.2f} s per epoch wall, {later_median(t.cpu):.2f} s CPU (medians of epochs 2..{a.epochs})", flush=True)


if __name__ == "__main__":
    main()
