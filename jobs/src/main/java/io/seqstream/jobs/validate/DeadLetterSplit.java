package io.seqstream.jobs.validate;

import io.seqstream.jobs.event.Ingested;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.schemas.DeadLetter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends dead letters to a side output (and counts them, in total and per error kind: {@link DeadLetterMetrics})
 * and valid events on to the model.
 */
public final class DeadLetterSplit extends ProcessFunction<Ingested, ModelInput> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    private transient DeadLetterMetrics metrics;

    @Override
    public void open(OpenContext openContext) {
        metrics = new DeadLetterMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(Ingested value, Context ctx, Collector<ModelInput> out) {
        metrics.recordsIn.inc();
        if (value.isDeadLetter()) {
            metrics.deadLetter(value.deadLetter.getErrorKind());
            ctx.output(DEAD_LETTERS, value.deadLetter);
        } else {
            out.collect(value.input);
        }
    }
}
