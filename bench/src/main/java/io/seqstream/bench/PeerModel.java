package io.seqstream.bench;

import io.seqstream.model.Sequential;
import io.seqstream.model.io.Npy;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** The benchmarked model, Embedding(1000,64) -> LSTM(H) -> Dense(10, softmax), with the ONNX peer's weights. */
public final class PeerModel {
    public static final int VOCAB = 1000;
    public static final int EMB = 64;
    public static final int CLASSES = 10;

    private PeerModel() {
    }

    public static Sequential load(int units) {
        return load(SharedDir.peer(units), units);
    }

    public static Sequential load(Path dir, int units) {
        try {
            Sequential m = new Sequential("onnx_peer_h" + units);
            m.add(Embedding.builder(VOCAB, EMB).seed(1).build());
            m.add(LSTM.builder(units).returnSequences(true).seed(2).build());
            m.add(Dense.builder(CLASSES).activation("softmax").seed(3).build());
            m.build(-1);
            m.layers().get(0).setWeights(List.of(Npy.read(dir.resolve("emb.npy")).expectShape(VOCAB, EMB).toTensor()));
            m.layers().get(1).setWeights(List.of(
                    Npy.read(dir.resolve("kernel.npy")).expectShape(EMB, 4 * units).toTensor(),
                    Npy.read(dir.resolve("rec.npy")).expectShape(units, 4 * units).toTensor(),
                    Npy.read(dir.resolve("bias.npy")).expectShape(4 * units).toTensor()));
            m.layers().get(2).setWeights(List.of(
                    Npy.read(dir.resolve("dk.npy")).expectShape(units, CLASSES).toTensor(),
                    Npy.read(dir.resolve("db.npy")).expectShape(CLASSES).toTensor()));
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
