package io.seqstream.apps.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The highest rate a job keeps up with while events arrive live, searched down from its drain-mode maximum (the
 * rate at which it works off a backlog). The two differ: live, the producer sends small requests as events come and
 * the job's fetches and micro-batches are smaller, so the drain maximum is not a rate the job can be held at. Probes
 * at 100 %, 90 %, 80 % ... of the drain maximum until one keeps up, then one probe halfway to the step above it:
 * the answer is within 5 % of the drain maximum below the true rate.
 */
final class SustainedRate {
    /** One probe: a paced run at {@code rate} events/s, and whether the job kept up with it. */
    record Probe(int rate, boolean keptUp) {
    }

    /** The highest rate that kept up ({@code sustained}), or the lowest probed when none did; and every probe, in order. */
    record Result(int rate, boolean sustained, List<Probe> probes) {
    }

    /** Runs a probe: true when the job kept up with {@code rate} events/s. */
    interface Prober {
        boolean keepsUp(int rate) throws Exception;
    }

    private SustainedRate() {
    }

    /** At most {@code steps} probes going down (the last at {@code 100 - 10 * (steps - 1)} %), plus one halfway back up. */
    static Result search(double drainMax, int steps, Prober prober) throws Exception {
        if (steps < 1 || steps > 10) {
            throw new IllegalArgumentException("steps must be in [1, 10], got " + steps);
        }
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            double fraction = 1.0 - 0.1 * i;
            int rate = rate(drainMax, fraction);
            boolean ok = prober.keepsUp(rate);
            probes.add(new Probe(rate, ok));
            if (ok) {
                if (i == 0) {
                    return new Result(rate, true, probes);
                }
                int half = rate(drainMax, fraction + 0.05);
                boolean halfOk = prober.keepsUp(half);
                probes.add(new Probe(half, halfOk));
                return new Result(halfOk ? half : rate, true, probes);
            }
        }
        return new Result(probes.get(probes.size() - 1).rate(), false, probes);
    }

    static int rate(double drainMax, double fraction) {
        return (int) Math.max(1, Math.round(drainMax * fraction));
    }
}
