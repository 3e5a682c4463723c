package io.seqstream.jobs.retrain;

import io.seqstream.jobs.config.ShapeChangePolicy;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.jobs.model.ModelLoadException;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.trust.TrustedKeys;
import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.ModelSnapshot;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a record of the models stream may replace the serving model, in this order: it decodes
 * as a {@link ModelSnapshot}; its model bytes hash to its {@code sha256}; its version is above the serving
 * one (else it is stale: ignored, not an error, since a job's own snapshots come back through the topic);
 * with trusted keys ({@code models.trusted-keys}), it is signed by one of them ({@link TrustedKeys}; checked before
 * the model bytes are parsed, so an untrusted writer never reaches the model loader);
 * the bytes load as a model whose weights are all finite and that can be stepped per key; it takes the same
 * input (token vocabulary or feature width) and gives the same number of outputs as the job's model; and,
 * when its recurrent state has other shapes, {@code swap.on-shape-change} allows it.
 *
 * <p>Every rejection message names the version and where the record came from.
 */
public final class SnapshotCheck implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The outcome of a check. */
    public sealed interface Result {
        /** Apply it; {@code shapeChanged}: the keys' states cannot be kept. {@code model} is the loaded model (do not modify). */
        record Accepted(ModelSnapshot snapshot, Model model, StepModelBackend backend, String shape,
                boolean shapeChanged) implements Result {
        }

        /** Not newer than the serving model: ignore. */
        record Stale(long version, String message) implements Result {
        }

        /** Must not be applied: dead-letter it with this kind and message. */
        record Rejected(ErrorKind kind, String message) implements Result {
            /** A BAD_MODEL_SNAPSHOT rejection. */
            public Rejected(String message) {
                this(ErrorKind.BAD_MODEL_SNAPSHOT, message);
            }
        }
    }

    private final List<InputSpec> inputSpecs;
    private final int outputSize;
    private final ShapeChangePolicy onShapeChange;
    private final TrustedKeys trust;

    /** Without signature checks ({@link TrustedKeys#none()}). */
    public SnapshotCheck(InputSpec inputSpec, int outputSize, ShapeChangePolicy onShapeChange) {
        this(inputSpec, outputSize, onShapeChange, TrustedKeys.none());
    }

    public SnapshotCheck(InputSpec inputSpec, int outputSize, ShapeChangePolicy onShapeChange, TrustedKeys trust) {
        this(List.of(inputSpec), outputSize, onShapeChange, trust);
    }

    /** {@code inputSpecs}: the job's model inputs per event, in order (a snapshot must take the same ones). */
    public SnapshotCheck(List<InputSpec> inputSpecs, int outputSize, ShapeChangePolicy onShapeChange, TrustedKeys trust) {
        this.inputSpecs = List.copyOf(inputSpecs);
        this.outputSize = outputSize;
        this.onShapeChange = onShapeChange;
        this.trust = trust;
    }

    /** One input as its spec, several as a list ({@code [token ids in [0, 9), feature vectors of length 2]}). */
    private static String describe(List<InputSpec> specs) {
        return specs.size() == 1 ? specs.get(0).toString() : specs.size() + " inputs " + specs;
    }

    /**
     * Checks {@code update} against the serving model: its version, its shape signature (null when unknown)
     * and its state size.
     */
    public Result check(ModelUpdate update, long activeVersion, String activeShape, int activeStateSize) {
        String from = "model snapshot from " + update.origin();
        if (update.value == null) {
            return new Result.Rejected(from + ": the record has no value (a tombstone); a ModelSnapshot was expected");
        }
        ModelSnapshot s;
        try {
            s = ModelSnapshots.decode(update.value);
        } catch (RuntimeException e) {
            return new Result.Rejected(from + ": cannot decode a ModelSnapshot: " + e.getMessage());
        }
        String what = "model snapshot v" + s.getVersion() + " from " + update.origin();
        byte[] bytes = ModelSnapshots.modelBytes(s);
        String actual = ModelSnapshots.sha256Hex(bytes);
        // Exact match: the field is outside the signature (the signature covers the hash computed here), so any
        // other spelling of the same hash is a changed record, not the signed one.
        if (!actual.equals(s.getSha256())) {
            return new Result.Rejected(what + ": checksum mismatch: sha256 says " + s.getSha256() + " but the " + bytes.length
                    + " model bytes hash to " + actual + " (corrupt or truncated)");
        }
        if (s.getVersion() <= activeVersion) {
            return new Result.Stale(s.getVersion(), what + " is not newer than the serving v" + activeVersion + ": ignored");
        }
        Optional<String> untrusted = trust.problem(s);
        if (untrusted.isPresent()) {
            return new Result.Rejected(ErrorKind.UNTRUSTED_MODEL_SNAPSHOT, what + ": " + untrusted.get());
        }
        Model model;
        try {
            model = ModelFile.fromBytes(bytes, what);
        } catch (RuntimeException e) {
            return new Result.Rejected(what + ": the model bytes do not load: " + e.getMessage());
        }
        Optional<String> nonFinite = ModelShape.firstNonFinite(model);
        if (nonFinite.isPresent()) {
            return new Result.Rejected(what + ": non-finite weight: " + nonFinite.get());
        }
        StepModelBackend backend;
        try {
            backend = StepModelBackend.of(model, bytes, s.getVersion(), what);
        } catch (ModelLoadException e) {
            return new Result.Rejected(what + ": " + e.getMessage());
        }
        if (!backend.inputSpecs().equals(inputSpecs)) {
            return new Result.Rejected(what + ": incompatible input: it takes " + describe(backend.inputSpecs()) + ", the job's events"
                    + " are " + describe(inputSpecs));
        }
        if (backend.outputSize() != outputSize) {
            return new Result.Rejected(what + ": incompatible output: " + backend.outputSize() + " classes, the job's model has "
                    + outputSize);
        }
        String shape = ModelShape.signature(model);
        boolean changed = activeShape == null ? backend.stateSize() != activeStateSize : !shape.equals(activeShape);
        if (changed && onShapeChange == ShapeChangePolicy.REJECT) {
            return new Result.Rejected(what + ": its layers have other shapes (" + shape + ") than the serving v" + activeVersion
                    + (activeShape == null ? "" : " (" + activeShape + ")") + ", and swap.on-shape-change=reject");
        }
        return new Result.Accepted(s, model, backend, shape, changed);
    }
}
