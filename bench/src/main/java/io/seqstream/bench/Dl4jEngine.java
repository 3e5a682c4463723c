package io.seqstream.bench;

import io.seqstream.reference.dl4j.Dl4jReference;

/** The naive DL4J baseline: {@code rnnTimeStep} with each call's states set by {@code rnnSetPreviousState}. */
public final class Dl4jEngine implements Engine {
    private final Dl4jReference ref;
    private final int batch;
    private final float[][] states;
    private final float[][] outputs;

    public Dl4jEngine(int units, int batch) {
        this.ref = Dl4jReference.of(PeerModel.load(units));
        this.batch = batch;
        this.states = new float[batch][2 * units];
        this.outputs = new float[batch][PeerModel.CLASSES];
    }

    @Override
    public String name() {
        return "dl4j";
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public void step(int[] tokens) {
        ref.stepTokens(states, tokens, batch, outputs);
    }

    @Override
    public float[][] states() {
        return states;
    }

    @Override
    public float[][] outputs() {
        return outputs;
    }
}
