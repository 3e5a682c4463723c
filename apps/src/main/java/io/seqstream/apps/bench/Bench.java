package io.seqstream.apps.bench;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks the benchmark commands share. */
final class Bench {
    private Bench() {
    }

    /** A usage error naming the option and its value unless {@code value >= min}. */
    static void atLeast(CommandSpec spec, String option, double value, double min) {
        if (!(value >= min)) {
            throw new ParameterException(spec.commandLine(), option + " must be at least " + format(min) + ", got " + format(value));
        }
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
