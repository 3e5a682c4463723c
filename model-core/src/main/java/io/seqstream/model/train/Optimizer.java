package io.seqstream.model.train;

import io.seqstream.model.layers.Weight;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keras optimizers with Keras' defaults and update formulas. Slots (moments) are kept per weight.
 */
public abstract class Optimizer {
    protected final double learningRate;
    private final Map<Weight, float[][]> slots = new IdentityHashMap<>();
    protected long iterations;

    protected Optimizer(double learningRate) {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive and finite, got " + learningRate);
        }
        this.learningRate = learningRate;
    }

    /** {@code "adam"}, {@code "sgd"} or {@code "rmsprop"} with Keras' defaults. */
    public static Optimizer of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "adam" -> new Adam();
            case "sgd" -> new SGD();
            case "rmsprop" -> new RMSprop();
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "'; valid: adam, sgd, rmsprop");
        };
    }

    public abstract String kerasName();

    public double learningRate() {
        return learningRate;
    }

    public long iterations() {
        return iterations;
    }

    /** Applies one update to every weight from its accumulated gradient. */
    public void apply(List<Weight> weights) {
        iterations++;
        for (Weight w : weights) {
            float[][] s = slots.computeIfAbsent(w, k -> new float[slotCount()][k.size()]);
            update(w.values(), w.gradient(), s);
        }
    }

    protected abstract int slotCount();

    protected abstract void update(float[] w, float[] g, float[][] slots);

    /** Keras {@code SGD(learning_rate=0.01, momentum=0.0, nesterov=False)}. */
    public static final class SGD extends Optimizer {
        private final double momentum;
        private final boolean nesterov;

        public SGD() {
            this(0.01, 0.0, false);
        }

        public SGD(double learningRate) {
            this(learningRate, 0.0, false);
        }

        public SGD(double learningRate, double momentum, boolean nesterov) {
            super(learningRate);
            this.momentum = momentum;
            this.nesterov = nesterov;
        }

        @Override
        public String kerasName() {
            return "sgd";
        }

        @Override
        protected int slotCount() {
            return 1;
        }

        @Override
        protected void update(float[] w, float[] g, float[][] s) {
            float lr = (float) learningRate;
            if (momentum == 0) {
                for (int i = 0; i < w.length; i++)
                    w[i] -= lr * g[i];
                return;
            }
            float mu = (float) momentum;
            float[] m = s[0];
            for (int i = 0; i < w.length; i++) {
                m[i] = mu * m[i] - lr * g[i];
                w[i] += nesterov ? mu * m[i] - lr * g[i] : m[i];
            }
        }
    }

    /**
     * Keras {@code Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)} in Keras' form:
     * {@code alpha = lr*sqrt(1-b2^t)/(1-b1^t); w -= alpha*m/(sqrt(v)+eps)} (not tfjs' bias-corrected form).
     */
    public static final class Adam extends Optimizer {
        private final double beta1;
        private final double beta2;
        private final double epsilon;

        public Adam() {
            this(0.001);
        }

        public Adam(double learningRate) {
            this(learningRate, 0.9, 0.999, 1e-7);
        }

        public Adam(double learningRate, double beta1, double beta2, double epsilon) {
            super(learningRate);
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.epsilon = epsilon;
        }

        @Override
        public String kerasName() {
            return "adam";
        }

        @Override
        protected int slotCount() {
            return 2;
        }

        @Override
        protected void update(float[] w, float[] g, float[][] s) {
            float[] m = s[0], v = s[1];
            double t = iterations;
            float alpha = (float) (learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
            float b1 = (float) beta1, b2 = (float) beta2, eps = (float) epsilon;
            for (int i = 0; i < w.length; i++) {
                float gi = g[i];
                m[i] += (gi - m[i]) * (1 - b1);
                v[i] += (gi * gi - v[i]) * (1 - b2);
                w[i] -= alpha * m[i] / ((float) Math.sqrt(v[i]) + eps);
            }
        }
    }

    /**
     * Keras 3 {@code RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7)}:
     * {@code v = rho*v + (1-rho)*g^2; w -= lr*g/(sqrt(v)+eps)}.
     */
    public static final class RMSprop extends Optimizer {
        private final double rho;
        private final double epsilon;

        public RMSprop() {
            this(0.001);
        }

        public RMSprop(double learningRate) {
            this(learningRate, 0.9, 1e-7);
        }

        public RMSprop(double learningRate, double rho, double epsilon) {
            super(learningRate);
            this.rho = rho;
            this.epsilon = epsilon;
        }

        @Override
        public String kerasName() {
            return "rmsprop";
        }

        @Override
        protected int slotCount() {
            return 1;
        }

        @Override
        protected void update(float[] w, float[] g, float[][] s) {
            float[] v = s[0];
            float r = (float) rho, lr = (float) learningRate, eps = (float) epsilon;
            for (int i = 0; i < w.length; i++) {
                v[i] = r * v[i] + (1 - r) * g[i] * g[i];
                w[i] -= lr * g[i] / ((float) Math.sqrt(v[i]) + eps);
            }
        }
    }
}
