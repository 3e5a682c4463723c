package io.seqstream.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * A growable byte buffer with a binary encoder bound to it for good, so encoding a record allocates only
 * the returned array. Not thread-safe: {@link AvroCodec} keeps one per thread.
 */
final class EncodeBuffer extends ByteArrayOutputStream {

    /** Capacity above which the codec drops a buffer after use instead of keeping it. */
    static final int KEPT_BYTES = 1 << 20;

    private final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(this, null);

    EncodeBuffer() {
        super(256);
    }

    /** The record's encoding; after an exception this buffer's encoder may hold a partial record. */
    byte[] encode(SpecificDatumWriter<SpecificRecord> writer, SpecificRecord record) throws IOException {
        reset();
        writer.write(record, encoder);
        encoder.flush();
        return Arrays.copyOf(buf, count);
    }

    int capacity() {
        return buf.length;
    }
}
