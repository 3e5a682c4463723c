package io.seqstream.model.keras;

import io.seqstream.model.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes {@code .npy} v1 files (float32 or int32, C order) for the Python checks. */
final class NpyWrite {
    private NpyWrite() {
    }

    static void write(Path file, Tensor t, boolean ints) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        for (int d : t.shape())
            shape.append(d).append(", ");
        if (t.rank() > 1)
            shape.setLength(shape.length() - 2);
        shape.append(")");
        String header = "{'descr': '" + (ints ? "<i4" : "<f4") + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        for (float v : t.data()) {
            if (ints)
                b.putInt((int) v);
            else
                b.putFloat(v);
        }
        Files.write(file, b.array());
    }
}
