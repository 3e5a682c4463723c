package io.seqstream.bench;

import io.seqstream.model.Input;
import io.seqstream.model.KerasTensor;
import io.seqstream.model.Model;
import io.seqstream.model.Sequential;
import io.seqstream.model.Tensor;
import io.seqstream.model.io.Npy;
import io.seqstream.model.layers.Concatenate;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.GRU;
import io.seqstream.model.layers.LSTM;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The models of {@link SequenceStepBenchmark}: the GRU peer (Embedding(1000, 64) -> GRU(H, reset_after=True)
 * -> Dense(10, softmax), weights from {@code make_gru_peer.py}) and the two-input model (tokens through the LSTM
 * peer's Embedding, plus 3 features per event, concatenated, -> LSTM(H) -> Dense(10, softmax)).
 */
public final class SequenceModels {
    public static final int FEATURES = 3;

    private SequenceModels() {
    }

    /** {@code -Dgru.peer.dir}, default {@code bench/target/peers/gru}; fails naming the path and the command that makes it. */
    public static Path gruPeer(int units) {
        String prop = System.getProperty("gru.peer.dir");
        Path base = prop != null
                ? Path.of(prop)
                : Files.isDirectory(Path.of("bench")) ? Path.of("bench/target/peers/gru") : Path.of("target/peers/gru");
        Path d = base.resolve("H" + units).toAbsolutePath().normalize();
        if (!Files.isRegularFile(d.resolve("gru_step.onnx"))) {
            throw new IllegalStateException(
                    "no GRU peer at " + d + ": run python bench/src/main/python/make_gru_peer.py <shared>/peers/onnx"
                            + " bench/target/peers/gru (a venv with onnx, onnxruntime, numpy), or pass -Dgru.peer.dir");
        }
        return d;
    }

    public static Sequential gru(int units) {
        Path d = gruPeer(units);
        try {
            Sequential m = new Sequential("gru_peer_h" + units);
            m.add(Embedding.builder(PeerModel.VOCAB, PeerModel.EMB).build());
            m.add(GRU.builder(units).returnSequences(true).build());
            m.add(Dense.builder(PeerModel.CLASSES).activation("softmax").build());
            m.build(-1);
            m.layers().get(0).setWeights(List.of(Npy.read(d.resolve("emb.npy")).toTensor()));
            m.layers().get(1).setWeights(List.of(Npy.read(d.resolve("kernel.npy")).toTensor(), Npy.read(d.resolve("rec.npy")).toTensor(),
                    Npy.read(d.resolve("bias.npy")).toTensor()));
            m.layers().get(2).setWeights(List.of(Npy.read(d.resolve("dk.npy")).toTensor(), Npy.read(d.resolve("db.npy")).toTensor()));
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tokens (T,) and features (T, 3) per step: the LSTM peer's weights, its kernel grown by 3 feature rows. */
    public static Model twoInputs(int units) {
        Sequential peer = PeerModel.load(units);
        KerasTensor tok = Input.create("event_type", new int[]{ -1, -1 }, true);
        KerasTensor feat = Input.create("numeric", new int[]{ -1, -1, FEATURES }, false);
        Embedding emb = Embedding.builder(PeerModel.VOCAB, PeerModel.EMB).build();
        LSTM lstm = LSTM.builder(units).build();
        Dense head = Dense.builder(PeerModel.CLASSES).activation("softmax").build();
        KerasTensor out = head.apply(lstm.apply(Concatenate.create(-1).apply(emb.apply(tok), feat)));
        Model m = new Model("two_inputs_h" + units, List.of(tok, feat), List.of(out));
        emb.setWeights(peer.layers().get(0).getWeights());
        List<Tensor> lw = peer.layers().get(1).getWeights();
        int g = 4 * units;
        float[] k = new float[(PeerModel.EMB + FEATURES) * g];
        System.arraycopy(lw.get(0).data(), 0, k, 0, PeerModel.EMB * g);
        Random r = new Random(7);
        for (int i = PeerModel.EMB * g; i < k.length; i++)
            k[i] = (float) (0.1 * r.nextGaussian());
        lstm.setWeights(List.of(Tensor.wrap(k, PeerModel.EMB + FEATURES, g), lw.get(1), lw.get(2)));
        head.setWeights(peer.layers().get(2).getWeights());
        return m;
    }
}
