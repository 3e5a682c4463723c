package io.seqstream.jobs.retrain;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A uniform sample of at most {@code capacity} items from a stream of unknown length (Vitter's algorithm R):
 * after n offers, each offered item is in the sample with probability capacity / n. Memory is O(capacity)
 * whatever n. Not thread-safe.
 */
public final class Reservoir<T> {
    private final int capacity;
    private final List<T> items;
    private final Random random;
    private long seen;

    public Reservoir(int capacity, long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.items = new ArrayList<>(Math.min(capacity, 1024));
        this.random = new Random(seed);
    }

    /** A reservoir restored from a checkpoint: its sample and how many items it had seen. */
    public static <T> Reservoir<T> restore(int capacity, long seed, List<T> sample, long seen) {
        Reservoir<T> r = new Reservoir<>(capacity, seed);
        r.items.addAll(sample.size() <= capacity ? sample : sample.subList(0, capacity));
        r.seen = Math.max(seen, r.items.size());
        return r;
    }

    public void offer(T item) {
        seen++;
        if (items.size() < capacity) {
            items.add(item);
            return;
        }
        long j = (long) (random.nextDouble() * seen); // uniform in [0, seen)
        if (j < capacity) {
            items.set((int) j, item);
        }
    }

    public List<T> sample() {
        return items;
    }

    /** Items offered so far. */
    public long seen() {
        return seen;
    }
}
