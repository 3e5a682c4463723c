package io.seqstream.bench;

import io.seqstream.model.stream.StepModel;
import io.seqstream.model.stream.Stepper;

/** seqstream's per-key stepper: {@code StepModel.compile(model).newStepper(B).stepTokens(...)}. */
public final class StepperEngine implements Engine {
    private final StepModel model;
    private final Stepper stepper;
    private final int batch;
    private final float[][] states;
    private final float[][] outputs;

    public StepperEngine(int units, int batch, boolean scalar) {
        var m = PeerModel.load(units);
        this.model = scalar ? StepModel.compileScalar(m) : StepModel.compile(m);
        this.stepper = model.newStepper(batch);
        this.batch = batch;
        this.states = new float[batch][];
        for (int i = 0; i < batch; i++)
            states[i] = model.newState();
        this.outputs = new float[batch][model.outputSize()];
    }

    public StepModel model() {
        return model;
    }

    @Override
    public String name() {
        return model.vectorized() ? "stepper" : "stepper-scalar";
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public void step(int[] tokens) {
        stepper.stepTokens(states, tokens, batch, outputs);
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
