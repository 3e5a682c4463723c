package io.seqstream.model.layers;

import java.util.function.Supplier;

/**
 * A cap on the weight values one thread may allocate while it builds a model from an untrusted description: a model
 * file's architecture can declare layers of any size, and the weights are allocated before they are read, so
 * {@link io.seqstream.model.io.ModelFile} caps them at what its weights entry actually holds. A crafted file that
 * declares a huge tensor then fails with a clear error instead of exhausting the heap.
 */
public final class WeightBudget {
    private static final ThreadLocal<long[]> LEFT = new ThreadLocal<>();

    private WeightBudget() {
    }

    /** Runs {@code body} allowing at most {@code maxValues} weight values to be allocated on this thread. */
    public static <T> T within(long maxValues, Supplier<T> body) {
        long[] outer = LEFT.get();
        LEFT.set(new long[]{ maxValues });
        try {
            return body.get();
        } finally {
            if (outer == null) {
                LEFT.remove();
            } else {
                LEFT.set(outer);
            }
        }
    }

    /** Takes {@code n} values of the budget, if one is set; throws before anything is allocated when it is exceeded. */
    static void take(long n, String weight) {
        long[] left = LEFT.get();
        if (left == null) {
            return;
        }
        if (n > left[0]) {
            throw new ExceededException("weight '" + weight + "' declares " + n + " values, more than the " + left[0]
                    + " the file still holds: the architecture does not match the weights");
        }
        left[0] -= n;
    }

    /** The budget is exceeded. */
    public static final class ExceededException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        ExceededException(String message) {
            super(message);
        }
    }
}
