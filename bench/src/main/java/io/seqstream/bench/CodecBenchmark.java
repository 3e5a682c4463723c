package io.seqstream.bench;

import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.Event;
import io.seqstream.schemas.Prediction;
import io.seqstream.schemas.TopClass;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The job's record codec per record: a {@link Prediction} with 5 top classes as the sink encodes it, and an
 * {@link Event} as the source decodes it, through {@link AvroCodec} (the generated classes' own coders, plus the
 * bounds scan and the copy out), against Avro's default writer path alone (reflective field access, boxing).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 6, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class CodecBenchmark {
    private Prediction prediction;
    private byte[] eventBytes;
    private final SpecificDatumWriter<SpecificRecord> defaultWriter = new SpecificDatumWriter<>(Prediction.getClassSchema());
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    private BinaryEncoder encoder;

    @Setup
    public void setup() {
        List<TopClass> top = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            top.add(new TopClass(i * 37, 0.1f * i + 0.013f));
        }
        prediction = Prediction.newBuilder().setKey("user-123456").setEventTime(1_764_800_000_123L).setModelVersion(3).setStep(41)
                .setTopK(top).setProcessingTime(1_764_800_000_140L).setSourceTopic("events").setSourcePartition(1)
                .setSourceOffset(123_456_789L).build();
        eventBytes = AvroCodec.encode(new Event("user-123456", 1_764_800_000_123L, 417, null, null, false, Map.of()));
        encoder = EncoderFactory.get().binaryEncoder(out, null);
    }

    @Benchmark
    public byte[] encodePrediction() {
        return AvroCodec.encode(prediction);
    }

    @Benchmark
    public int encodePredictionAvroDefaultWriter() throws IOException {
        out.reset();
        defaultWriter.write(prediction, encoder);
        encoder.flush();
        return out.size();
    }

    @Benchmark
    public Event decodeEvent() {
        return AvroCodec.decode(eventBytes, Event.class);
    }
}
