package io.seqstream.model.keras;

import io.seqstream.model.Tensor;
import io.seqstream.model.stream.StepModel;
import io.seqstream.model.stream.Stepper;

/** Drives the per-key stepper over whole sequences: batch row b of x is key b, fed one time step per call. */
final class Stepping {
    private Stepping() {
    }

    /** x is (keys, time, features) or token ids (keys, time); returns [time][key][output]. */
    static float[][][] run(StepModel model, Tensor x) {
        int keys = x.dim(0), time = x.dim(1), per = x.size() / keys / time;
        Stepper stepper = model.newStepper(keys);
        float[][] states = new float[keys][];
        for (int k = 0; k < keys; k++)
            states[k] = model.newState();
        float[][][] out = new float[time][keys][model.outputSize()];
        for (int t = 0; t < time; t++) {
            if (model.tokenInput()) {
                int[] tokens = new int[keys];
                for (int k = 0; k < keys; k++)
                    tokens[k] = (int) x.data()[k * time + t];
                stepper.stepTokens(states, tokens, keys, out[t]);
            } else {
                float[][] features = new float[keys][per];
                for (int k = 0; k < keys; k++)
                    System.arraycopy(x.data(), (k * time + t) * per, features[k], 0, per);
                stepper.stepFeatures(states, features, keys, out[t]);
            }
        }
        return out;
    }

    /** The outputs after the last step, as (keys, output). */
    static Tensor last(float[][][] steps) {
        return Tensor.ofRows(steps[steps.length - 1]);
    }

    /** Every step's outputs as (keys, time, output). */
    static Tensor all(float[][][] steps) {
        int time = steps.length, keys = steps[0].length, n = steps[0][0].length;
        float[] v = new float[keys * time * n];
        for (int t = 0; t < time; t++)
            for (int k = 0; k < keys; k++)
                System.arraycopy(steps[t][k], 0, v, (k * time + t) * n, n);
        return Tensor.wrap(v, keys, time, n);
    }
}
