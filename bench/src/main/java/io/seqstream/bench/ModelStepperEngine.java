package io.seqstream.bench;

import io.seqstream.model.Model;
import io.seqstream.model.stream.StepModel;
import io.seqstream.model.stream.Stepper;
import java.util.Random;

/**
 * The per-key stepper over any of the benchmark's models: token models step with {@code stepTokens}; the
 * two-input model with {@code step}, one token and one feature vector (from a fixed pool) per key.
 */
public final class ModelStepperEngine implements Engine {
    private final String name;
    private final StepModel model;
    private final Stepper stepper;
    private final int batch;
    private final float[][] states;
    private final float[][] outputs;
    private final float[][] features; // pool for the two-input model, or null
    private int next;

    public ModelStepperEngine(String name, Model m, int batch) {
        this.name = name;
        this.model = StepModel.compile(m);
        this.stepper = model.newStepper(batch);
        this.batch = batch;
        this.states = new float[batch][];
        for (int i = 0; i < batch; i++)
            states[i] = model.newState();
        this.outputs = new float[batch][model.outputSize()];
        if (model.inputCount() == 2) {
            Random r = new Random(11);
            features = new float[4096][SequenceModels.FEATURES];
            for (float[] f : features)
                for (int j = 0; j < f.length; j++)
                    f[j] = (float) r.nextGaussian();
        } else {
            features = null;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public void step(int[] tokens) {
        if (features == null) {
            stepper.stepTokens(states, tokens, batch, outputs);
            return;
        }
        var b = stepper.batch();
        for (int i = 0; i < batch; i++) {
            b.token(0, i, tokens[i]).features(1, i, features[next]);
            if (++next == features.length)
                next = 0;
        }
        stepper.step(states, b, batch, outputs);
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
