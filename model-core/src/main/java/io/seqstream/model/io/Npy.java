package io.seqstream.model.io;

import io.seqstream.model.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small reader of NumPy {@code .npy} files (format versions 1, 2 and 3): little-endian {@code float32},
 * {@code int64} and {@code int32} arrays in C order. Anything else (other dtypes, big-endian data,
 * {@code fortran_order: True}, object arrays, truncated data) is rejected with an {@link IOException}
 * that names the file.
 *
 * <pre>{@code
 * Npy emb = Npy.read(dir.resolve("emb.npy"));   // shape [1000, 64], FLOAT32
 * Tensor t = emb.toTensor();
 * long[] tokens = Npy.read(dir.resolve("ref_tokens.npy")).longs();
 * }</pre>
 */
public final class Npy {
    /** The element types this reader understands. */
    public enum DType {
        FLOAT32("<f4", 4), INT64("<i8", 8), INT32("<i4", 4);

        private final String descr;
        private final int itemSize;

        DType(String descr, int itemSize) {
            this.descr = descr;
            this.itemSize = itemSize;
        }

        /** The NumPy {@code descr} string, e.g. {@code <f4}. */
        public String descr() {
            return descr;
        }

        public int itemSize() {
            return itemSize;
        }
    }

    private static final byte[] MAGIC = { (byte) 0x93, 'N', 'U', 'M', 'P', 'Y' };
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private final String source;
    private final DType dtype;
    private final int[] shape;
    private final ByteBuffer data; // little-endian, exactly size * itemSize bytes

    private Npy(String source, DType dtype, int[] shape, ByteBuffer data) {
        this.source = source;
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    /** Reads a whole {@code .npy} file. */
    public static Npy read(Path file) throws IOException {
        return parse(Files.readAllBytes(file), file.toString());
    }

    /** Reads a float32 file as a tensor (the common case for weights). */
    public static Tensor readTensor(Path file) throws IOException {
        return read(file).toTensor();
    }

    /**
     * Parses the bytes of a {@code .npy} file; {@code source} names it in error messages (a path, or
     * anything that tells the reader where the bytes came from).
     */
    public static Npy parse(byte[] bytes, String source) throws IOException {
        String f = "'" + source + "'";
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new IOException(f + " is not a .npy file: it does not start with the \\x93NUMPY magic");
        }
        int major = bytes[6] & 0xff, minor = bytes[7] & 0xff;
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen;
        int headerStart;
        switch (major) {
            case 1 -> {
                headerLen = bb.getShort(8) & 0xffff;
                headerStart = 10;
            }
            case 2, 3 -> {
                if (bytes.length < 12)
                    throw new IOException(
                            f + " is truncated: the .npy v" + major + " preamble needs 12 bytes, the file has " + bytes.length);
                headerLen = bb.getInt(8) & 0xffffffffL;
                headerStart = 12;
            }
            default -> throw new IOException(
                    f + ": unsupported .npy format version " + major + "." + minor + " (this reader knows 1.0, 2.0 and 3.0)");
        }
        if (headerStart + headerLen > bytes.length) {
            throw new IOException(f + " is truncated: its header claims " + headerLen + " bytes but only "
                    + (bytes.length - headerStart) + " follow the preamble");
        }
        String header = new String(bytes, headerStart, (int) headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1)
                .trim();

        Matcher dm = DESCR.matcher(header);
        if (!dm.find())
            throw new IOException(f + ": the .npy header has no 'descr': " + header);
        String descr = dm.group(1);
        DType dtype = null;
        for (DType d : DType.values()) {
            if (d.descr.equals(descr))
                dtype = d;
        }
        if (dtype == null) {
            String why = descr.startsWith(">") ? " (big-endian)" : "";
            throw new IOException(f + ": unsupported dtype '" + descr + "'" + why
                    + "; this reader takes little-endian float32 ('<f4'), int64 ('<i8') and int32 ('<i4')");
        }

        Matcher fm = FORTRAN.matcher(header);
        if (!fm.find())
            throw new IOException(f + ": the .npy header has no 'fortran_order': " + header);
        if (fm.group(1).equals("True")) {
            throw new IOException(f + ": fortran_order is True; this reader takes C-order arrays only"
                    + " (save with np.save(path, np.ascontiguousarray(a)))");
        }

        Matcher sm = SHAPE.matcher(header);
        if (!sm.find())
            throw new IOException(f + ": the .npy header has no 'shape': " + header);
        List<Integer> dims = new ArrayList<>();
        long count = 1;
        for (String part : sm.group(1).split(",")) {
            String p = part.trim();
            if (p.isEmpty())
                continue;
            if (p.endsWith("L"))
                p = p.substring(0, p.length() - 1); // Python 2 longs
            long d;
            try {
                d = Long.parseLong(p);
            } catch (NumberFormatException e) {
                throw new IOException(f + ": bad dimension '" + part.trim() + "' in shape (" + sm.group(1) + ")");
            }
            if (d < 0 || d > Integer.MAX_VALUE)
                throw new IOException(f + ": dimension " + d + " is out of range in shape (" + sm.group(1) + ")");
            dims.add((int) d);
            count *= d;
            if (count > Integer.MAX_VALUE)
                throw new IOException(f + ": " + Arrays.toString(dims.toArray()) + "... has more than 2^31-1 elements");
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();

        long dataStart = headerStart + headerLen;
        long need = count * dtype.itemSize;
        long have = bytes.length - dataStart;
        if (have < need) {
            throw new IOException(f + " is truncated: shape " + Arrays.toString(shape) + " of " + descr + " needs " + need
                    + " data bytes, the file has " + have);
        }
        if (have > need) {
            throw new IOException(f + ": " + (have - need) + " unexpected bytes after the data of shape " + Arrays.toString(shape)
                    + " of " + descr + " (" + need + " bytes)");
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, (int) dataStart, (int) need).slice().order(ByteOrder.LITTLE_ENDIAN);
        return new Npy(source, dtype, shape, data);
    }

    /** Where the array came from (the path it was read from). */
    public String source() {
        return source;
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Number of elements (1 for a 0-d array). */
    public int size() {
        return data.capacity() / dtype.itemSize;
    }

    /** The values of a float32 array, in C order. */
    public float[] floats() throws IOException {
        if (dtype != DType.FLOAT32)
            throw new IOException("'" + source + "' holds " + dtype.descr + ", not float32 ('<f4')");
        float[] out = new float[size()];
        data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** The values of an int64 or int32 array, in C order. */
    public long[] longs() throws IOException {
        long[] out = new long[size()];
        switch (dtype) {
            case INT64 -> data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
            case INT32 -> {
                var ib = data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
                for (int i = 0; i < out.length; i++)
                    out[i] = ib.get(i);
            }
            default -> throw new IOException("'" + source + "' holds " + dtype.descr + ", not an integer type ('<i8' or '<i4')");
        }
        return out;
    }

    /** The values of an int32 or int64 array as ints; an int64 value outside the int range is an error. */
    public int[] ints() throws IOException {
        long[] l = longs();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] < Integer.MIN_VALUE || l[i] > Integer.MAX_VALUE) {
                throw new IOException("'" + source + "': element " + i + " = " + l[i] + " does not fit in an int");
            }
            out[i] = (int) l[i];
        }
        return out;
    }

    /** A float32 array as a tensor of the same shape. */
    public Tensor toTensor() throws IOException {
        return Tensor.wrap(floats(), shape);
    }

    /** Fails unless the array has exactly this shape. */
    public Npy expectShape(int... expected) throws IOException {
        if (!Arrays.equals(shape, expected)) {
            throw new IOException("'" + source + "' has shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(expected));
        }
        return this;
    }

    @Override
    public String toString() {
        return "Npy[" + source + ", " + dtype.descr + " " + Arrays.toString(shape) + "]";
    }
}
