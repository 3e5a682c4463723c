package io.seqstream.apps.bench;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a run's CPU went, per event and by {@link ThreadRole}, and what that says about a machine with more cores:
 * each of the job's threads on a core of its own runs the job at most at {@link #ownCoreRate()}, the rate its busiest
 * such thread allows, less the collector's pauses, which stop every thread. An upper bound: on two cores the job's
 * threads also wait for each other and for the cores, and on a bigger machine they would still hand batches to one
 * another.
 *
 * @param microsPerEvent CPU µs per event of each role's threads together (a role none of whose threads ran is absent)
 * @param busiest the busiest thread on the job's path ({@code name#tid}), or "-" when none was seen
 * @param busiestMicros its CPU µs per event
 * @param pauseMicros the collector's stop-the-world pauses, µs per event
 */
record ThreadProfile(Map<ThreadRole, Double> microsPerEvent, String busiest, double busiestMicros, double pauseMicros) {
    /** No profile (a system without per-thread CPU times). */
    static final ThreadProfile NONE = new ThreadProfile(Map.of(), "-", 0, 0);

    ThreadProfile {
        Map<ThreadRole, Double> copy = new EnumMap<>(ThreadRole.class);
        copy.putAll(microsPerEvent);
        microsPerEvent = Collections.unmodifiableMap(copy);
    }

    /** The profile of a run of {@code events} events: each thread's CPU nanoseconds ({@code name#tid}) and the pauses' total. */
    static ThreadProfile of(Map<String, Long> threadNanos, long events, long pauseNanos) {
        if (threadNanos.isEmpty() || events <= 0) {
            return NONE;
        }
        Map<ThreadRole, Double> micros = new EnumMap<>(ThreadRole.class);
        String busiest = "-";
        double busiestMicros = 0;
        for (Map.Entry<String, Long> t : threadNanos.entrySet()) {
            ThreadRole role = ThreadRole.of(t.getKey());
            double us = t.getValue() / 1e3 / events;
            micros.merge(role, us, Double::sum);
            if (role.onTheJobsPath() && us > busiestMicros) {
                busiest = t.getKey();
                busiestMicros = us;
            }
        }
        return new ThreadProfile(micros, busiest, busiestMicros, pauseNanos / 1e3 / events);
    }

    /** The {@code n} threads that used the most CPU, busiest first, as {@code name#tid [role] µs/event}. */
    static String busiestThreads(Map<String, Long> threadNanos, long events, int n) {
        return threadNanos.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                .map(e -> String.format("%s [%s] %.1f", e.getKey(), ThreadRole.of(e.getKey()).label(), e.getValue() / 1e3 / events))
                .collect(Collectors.joining(", "));
    }

    boolean available() {
        return busiestMicros > 0;
    }

    /** Events/s with a core for each of the job's threads: 10^6 / (busiest thread's µs + pause µs per event). */
    double ownCoreRate() {
        return available() ? 1e6 / (busiestMicros + pauseMicros) : 0;
    }

    /** CPU µs per event of a role (0 when none of its threads ran). */
    double micros(ThreadRole role) {
        return microsPerEvent.getOrDefault(role, 0.0);
    }

    /** The busiest thread's role and name without its id, e.g. "task thread (step model 'ben)". */
    String busiestLabel() {
        if (!available()) {
            return "-";
        }
        int hash = busiest.lastIndexOf('#');
        String name = hash > 0 ? busiest.substring(0, hash) : busiest;
        return ThreadRole.of(busiest).label() + " (" + name + ")";
    }
}
