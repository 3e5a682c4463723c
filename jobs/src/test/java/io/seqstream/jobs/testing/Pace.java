package io.seqstream.jobs.testing;

import org.apache.flink.api.common.functions.MapFunction;

/**
 * Lets records through at about {@code perSecond} (sleeps in the source's task): a bounded in-memory source
 * would otherwise be read in a fraction of a second, before any background work (training) could matter.
 */
public final class Pace<T> implements MapFunction<T, T> {
    private static final long serialVersionUID = 1L;
    private final double perSecond;
    private transient long start;
    private transient long count;

    public Pace(double perSecond) {
        this.perSecond = perSecond;
    }

    @Override
    public T map(T value) throws InterruptedException {
        if (count++ == 0) {
            start = System.nanoTime();
        }
        if (count % 50 == 0) {
            long due = start + (long) (count / perSecond * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        return value;
    }
}
