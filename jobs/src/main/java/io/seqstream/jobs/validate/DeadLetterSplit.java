package io.seqstream.jobs.validate;

import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.event.Ingested;
import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.ErrorKind;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends dead letters to a side output (and counts them, in total and per error kind) and valid events on to
 * the model. Metrics: {@code recordsIn}, {@code deadLetters}, {@code deadLetters.<KIND>}.
 */
public final class DeadLetterSplit extends ProcessFunction<Ingested, ModelInput> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    private transient Counter recordsIn;
    private transient Counter deadLetters;
    private transient Map<ErrorKind, Counter> byKind;

    @Override
    public void open(OpenContext openContext) {
        MetricGroup g = getRuntimeContext().getMetricGroup();
        recordsIn = g.counter("recordsIn");
        deadLetters = g.counter("deadLetters");
        byKind = new EnumMap<>(ErrorKind.class);
        MetricGroup kinds = g.addGroup("deadLetters");
        for (ErrorKind k : ErrorKind.values()) {
            byKind.put(k, kinds.counter(k.name()));
        }
    }

    @Override
    public void processElement(Ingested value, Context ctx, Collector<ModelInput> out) {
        recordsIn.inc();
        if (value.isDeadLetter()) {
            deadLetters.inc();
            byKind.get(value.deadLetter.getErrorKind()).inc();
            ctx.output(DEAD_LETTERS, value.deadLetter);
        } else {
            out.collect(value.input);
        }
    }
}
