package io.seqstream.model.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import io.seqstream.model.Tensor;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The few HDF5 reads the importer needs, on jhdf (pure Java), with errors that name the file. */
final class Hdf5 {
    private static final byte[] SIGNATURE = { (byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n' };

    private Hdf5() {
    }

    /** Whether the bytes start like HDF5 (the superblock may follow a user block of 512, 1024... bytes). */
    static boolean hasSignature(byte[] head) {
        for (int off = 0; off + SIGNATURE.length <= head.length; off = off == 0 ? 512 : off * 2) {
            boolean match = true;
            for (int i = 0; i < SIGNATURE.length && match; i++)
                match = head[off + i] == SIGNATURE[i];
            if (match)
                return true;
        }
        return false;
    }

    static HdfFile open(Path file) {
        if (!Files.isRegularFile(file))
            throw new KerasImportException(file + ": no such file");
        try {
            return new HdfFile(file);
        } catch (RuntimeException e) {
            throw unreadable(file.toString(), e);
        }
    }

    static HdfFile open(byte[] bytes, String source) {
        try {
            return HdfFile.fromBytes(bytes);
        } catch (RuntimeException e) {
            throw unreadable(source, e);
        }
    }

    /** jhdf reports a damaged file with assorted runtime exceptions; the user needs only to know which file. */
    static KerasImportException unreadable(String source, RuntimeException e) {
        if (e instanceof KerasImportException k)
            return k;
        return new KerasImportException(source + ": not a readable HDF5 file (truncated or corrupt?): "
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
    }

    /**
     * Rethrows a failure of reading the file as {@link #unreadable}; any other exception (a bug here, not a
     * bad file) propagates unchanged. A read failure is jhdf's HdfException or anything thrown from inside jhdf.
     */
    static RuntimeException rethrow(String source, RuntimeException e) {
        if (e instanceof HdfException)
            return unreadable(source, e);
        for (StackTraceElement f : e.getStackTrace()) {
            if (f.getClassName().startsWith("io.jhdf."))
                return unreadable(source, e);
            if (f.getClassName().startsWith("io.seqstream."))
                break;
        }
        return e;
    }

    static Optional<Group> childGroup(Group parent, String name) {
        Node n = parent.getChildren().get(name);
        return n instanceof Group g ? Optional.of(g) : Optional.empty();
    }

    /** A string attribute, empty when absent. */
    static Optional<String> string(Node node, String name) {
        Attribute a = node.getAttribute(name);
        if (a == null)
            return Optional.empty();
        Object v = a.getData();
        if (v instanceof String s)
            return Optional.of(s);
        if (v instanceof byte[] b)
            return Optional.of(new String(b, java.nio.charset.StandardCharsets.UTF_8));
        if (v != null && v.getClass().isArray() && Array.getLength(v) == 1 && Array.get(v, 0) instanceof String s)
            return Optional.of(s);
        return Optional.empty();
    }

    /** A list-of-strings attribute ({@code layer_names}, {@code weight_names}); empty when absent or empty. */
    static List<String> strings(Node node, String name) {
        Attribute a = node.getAttribute(name);
        List<String> out = new ArrayList<>();
        if (a == null || a.isEmpty())
            return out;
        Object v = a.getData();
        if (v instanceof String s) {
            out.add(s);
        } else if (v != null && v.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(v); i++) {
                Object e = Array.get(v, i);
                out.add(e instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(e));
            }
        }
        return out;
    }

    /** A numeric dataset as a float tensor in its own shape (row-major, as HDF5 stores it). */
    static Tensor tensor(Dataset d, String where) {
        Object flat = d.getDataFlat();
        int n = flat == null || !flat.getClass().isArray() ? -1 : Array.getLength(flat);
        if (n < 0)
            throw new KerasImportException(where + ": dataset is not a numeric array");
        float[] v;
        if (flat instanceof float[] f) {
            v = f;
        } else if (flat instanceof double[] dd) {
            v = new float[n];
            for (int i = 0; i < n; i++)
                v[i] = (float) dd[i];
        } else {
            v = new float[n];
            for (int i = 0; i < n; i++) {
                Object e = Array.get(flat, i);
                if (!(e instanceof Number num))
                    throw new KerasImportException(where + ": dataset of " + d.getJavaType().getSimpleName() + " is not numeric");
                v[i] = num.floatValue();
            }
        }
        return Tensor.wrap(v, d.isScalar() ? new int[0] : d.getDimensions());
    }
}
